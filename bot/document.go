package bot

import "time"

// Document kinds a corpus may use.
const (
	KindProcess  = "process"
	KindPathway  = "pathway"
	KindContact  = "contact"
	KindGuidance = "guidance"
	KindTraining = "training"
	KindPractice = "practice"
)

// Kinds lists every document kind, in the order summaries print them.
var Kinds = []string{KindProcess, KindPathway, KindContact, KindGuidance, KindTraining, KindPractice}

// AreaNational marks England-wide material, offered alongside any area.
const AreaNational = "national"

// Document is one file of a council's corpus: a process, pathway, contact,
// guidance note, training offer or anonymised practice example.
type Document struct {
	ID        string
	Path      string // slash-separated, relative to the corpus root
	Title     string
	Kind      string
	Area      string
	Tags      []string
	Summary   string
	Owner     string
	Reviewed  time.Time // zero when not given
	ReviewDue time.Time // zero when not given
	URL       string
	Body      string   // Markdown
	Contact   *Contact // set for kind contact
}

// Stale reports whether the document is past its review date at now.
func (d *Document) Stale(now time.Time) bool {
	return !d.ReviewDue.IsZero() && now.After(d.ReviewDue)
}

// Contact is the reachable side of a contact document: a named person, a rota
// or a team.
type Contact struct {
	Name         string
	Role         string
	Team         string
	Organisation string
	Phone        string
	Email        string
	Hours        string
	OutOfHours   string
	Specialism   string // names a consultation queue: psychology, prevent, ...
	Bookable     bool   // practitioners can book a consultation with this specialism
}
