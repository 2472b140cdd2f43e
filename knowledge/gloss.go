package knowledge

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A gloss puts English in place of the words of other languages that it
// knows, so that the screener, which reads English, can see a risk told
// in Polish, Urdu or Somali, or in English with the words someone said
// left as they said them. Each form is replaced by its English (a word or
// two from the screener's vocabulary), a language's commonest words are
// left out, and everything else is left as it was.
//
// gloss.tsv is built from glosssrc/ (see its README): word lists written
// blind, per language, from a brief alone, with every form that is also an
// English word left out, so that English questions read as before.

//go:embed gloss.tsv
var glossTSV string

type glossTable struct {
	// forms are the exact forms, one or more words joined by a space.
	forms map[string]string
	// folded are forms written without their accents ("slub" for
	// "ślub"), where that spelling is not an English word as well.
	folded map[string]string
	// han are forms in Chinese characters, found inside a run of them.
	han              map[string]string
	maxWords, maxHan int
}

// builtinGloss is gloss.tsv, read once when first needed.
var builtinGloss = sync.OnceValue(func() *glossTable { return parseGloss(glossTSV) })

// parseGloss reads lines "form<TAB>english<TAB>language[<TAB>nofold]",
// where english "-" leaves the form out; lines starting with # are
// comments. The file is built and checked by a test from glosssrc, so a
// malformed line is skipped rather than fatal.
func parseGloss(src string) *glossTable {
	g := &glossTable{forms: map[string]string{}, folded: map[string]string{}, han: map[string]string{}}
	for line := range strings.SplitSeq(src, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || f[0] == "" || f[1] == "" {
			continue
		}
		form, eng := f[0], f[1]
		if isHan(form) {
			g.han[form] = eng
			g.maxHan = max(g.maxHan, utf8.RuneCountInString(form))
			continue
		}
		g.forms[form] = eng
		g.maxWords = max(g.maxWords, len(glossWords(form)))
		if len(f) > 3 && f[3] == "nofold" {
			continue
		}
		if ff := foldLatin(form); ff != form {
			if _, taken := g.folded[ff]; !taken {
				g.folded[ff] = eng
			}
		}
	}
	return g
}

// gloss is lower-case text t with the forms of other languages it knows
// replaced by their English.
func gloss(t string) string {
	return builtinGloss().apply(t)
}

type span struct{ start, end int }

// glossWords are the words of t: runs of letters, marks and digits, with
// an apostrophe inside a word kept ("we've", not "we" and the Turkish
// "ve").
func glossWords(t string) []span {
	var out []span
	start := -1
	for i, r := range t {
		in := unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
		if r == '\'' && start >= 0 {
			next, _ := utf8.DecodeRuneInString(t[i+1:])
			in = unicode.IsLetter(next)
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(t)})
	}
	return out
}

func (g *glossTable) apply(t string) string {
	t = asciiDigits(t)
	words := glossWords(t)
	// The forms that cover the most words, and of those the fewest (a
	// phrase over its words), chosen from the end back: reading greedily
	// from the left, "vrea să" (wants to) would take the "să" of "să se
	// sinucidă".
	type choice struct {
		cover, forms, take int
		eng                string
	}
	best := make([]choice, len(words)+1)
	for i := len(words) - 1; i >= 0; i-- {
		best[i] = choice{cover: best[i+1].cover, forms: best[i+1].forms}
		for n := 1; n <= min(g.maxWords, len(words)-i); n++ {
			eng, ok := g.lookup(t, words[i:i+n])
			if !ok {
				continue
			}
			c := choice{cover: n + best[i+n].cover, forms: 1 + best[i+n].forms, take: n, eng: eng}
			if c.cover > best[i].cover || c.cover == best[i].cover && c.forms < best[i].forms {
				best[i] = c
			}
		}
	}
	var sb strings.Builder
	last := 0
	replace := func(s span, eng string) {
		sb.WriteString(t[last:s.start])
		if eng != "-" { // a common word of another language, left out
			sb.WriteString(eng)
		}
		last = s.end
	}
	for i := 0; i < len(words); {
		if c := best[i]; c.take > 0 {
			replace(span{words[i].start, words[i+c.take-1].end}, c.eng)
			i += c.take
			continue
		}
		w := words[i]
		if isHan(t[w.start:w.end]) {
			if h := g.hanGloss(t[w.start:w.end]); h != "" {
				replace(w, h)
			}
		}
		i++
	}
	if last == 0 {
		return t
	}
	sb.WriteString(t[last:])
	return sb.String()
}

// lookup is the English of the form that words make, if g knows it.
// Words make a form when joined by spaces, or by a hyphen where the form
// has one ("n-a venit").
func (g *glossTable) lookup(t string, words []span) (string, bool) {
	// Most keys are the text as it stands; only odd spacing is rebuilt.
	form := t[words[0].start:words[len(words)-1].end]
	for k := 1; k < len(words); k++ {
		if sep := t[words[k-1].end:words[k].start]; sep != " " && sep != "-" {
			var ok bool
			if form, ok = joinForm(t, words); !ok {
				return "", false
			}
			break
		}
	}
	if eng, ok := g.forms[form]; ok {
		return eng, true
	}
	if eng, ok := g.folded[foldLatin(form)]; ok {
		return eng, true
	}
	if len(words) == 1 {
		return g.arabicStem(form)
	}
	return "", false
}

// joinForm is words joined by single spaces, or false when something
// other than spaces or a hyphen separates two of them.
func joinForm(t string, words []span) (string, bool) {
	var key strings.Builder
	for k, w := range words {
		if k > 0 {
			switch sep := t[words[k-1].end:w.start]; {
			case sep == "-":
				key.WriteString(sep)
			case strings.TrimSpace(sep) == "" && len(sep) < 4:
				key.WriteByte(' ')
			default:
				return "", false
			}
		}
		key.WriteString(t[w.start:w.end])
	}
	return key.String(), true
}

// arabicPrefixes are the letters Arabic script joins to the front of a
// word: and, so, with, for, the, and their pairs.
var arabicPrefixes = []string{"وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل"}

// arabicStem is the English of w, in Arabic script, once a joined prefix
// is taken off.
func (g *glossTable) arabicStem(w string) (string, bool) {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.Is(unicode.Arabic, r) {
		return "", false
	}
	for _, p := range arabicPrefixes {
		rest, ok := strings.CutPrefix(w, p)
		if !ok || utf8.RuneCountInString(rest) < 2 {
			continue
		}
		if eng, ok := g.forms[rest]; ok {
			return eng, true
		}
	}
	return "", false
}

// hanGloss is a run of Chinese characters with the longest forms g knows,
// left to right, as English words; the other characters are dropped. It
// is "" when no form is found.
func (g *glossTable) hanGloss(run string) string {
	rs := []rune(run)
	var out []string
	for i := 0; i < len(rs); {
		n := 0
		for k := min(g.maxHan, len(rs)-i); k >= 1; k-- {
			if eng, ok := g.han[string(rs[i:i+k])]; ok {
				if eng != "-" {
					out = append(out, eng)
				}
				n = k
				break
			}
		}
		i += max(n, 1)
	}
	return strings.Join(out, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isHan(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r)
}

// foldLatin is s with the accents of Latin letters taken off ("ślub":
// "slub"), as people type on an English keyboard. Other scripts are left
// as they are: their marks are letters' parts.
func foldLatin(s string) string {
	if isASCII(s) {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf || !unicode.Is(unicode.Latin, r):
			sb.WriteRune(r)
		case latinSpecial[r] != "":
			sb.WriteString(latinSpecial[r])
		default:
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					sb.WriteRune(d)
				}
			}
		}
	}
	return sb.String()
}

// latinSpecial are Latin letters that do not decompose into a letter and
// an accent.
var latinSpecial = map[rune]string{'ł': "l", 'ø': "o", 'đ': "d", 'ß': "ss", 'ı': "i", 'æ': "ae", 'œ': "oe", 'ħ': "h", 'þ': "th", 'ŀ': "l"}

// digitZeros are the zeros of the scripts whose digits people type
// (Arabic, Persian, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil, full
// width), so that "١٥" reads as the age 15.
var digitZeros = []rune{0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0BE6, 0xFF10}

// asciiDigits is t with other scripts' digits written as 0-9.
func asciiDigits(t string) string {
	if !strings.ContainsFunc(t, func(r rune) bool { return r >= utf8.RuneSelf && unicode.IsDigit(r) }) {
		return t
	}
	return strings.Map(func(r rune) rune {
		for _, z := range digitZeros {
			if r >= z && r <= z+9 {
				return '0' + (r - z)
			}
		}
		return r
	}, t)
}
