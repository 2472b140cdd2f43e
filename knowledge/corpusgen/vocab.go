package corpusgen

// The vocabulary the generator composes documents from. Every team, place,
// person, system and form name here is invented; acronyms and statutory terms
// are the general ones of English children's social care.

// topic is one subject a council's corpus covers.
type topic struct {
	slug    string   // used in ids, file names and tags
	short   string   // how a practitioner names it in chat: "Prevent"
	name    string   // a noun phrase for titles: "Prevent referrals"
	concern string   // "a radicalisation concern"
	tags    []string // besides slug
	terms   []string // noun phrases that documents about it use
	actions []string // what a practitioner does, as a bare verb phrase
	signs   []string // what a practitioner may notice, after "a child ..." or "a young person ..."
	teams   []string // slugs of the teams that lead on it
	titles  []string // topic-specific titles, beside the generic ones
	weight  int      // how often the topic comes up
}

var topics = []topic{
	{
		slug: "prevent-referral", short: "Prevent", name: "Prevent referrals", concern: "a radicalisation concern",
		tags:  []string{"prevent", "referral", "radicalisation", "referral-form"},
		terms: []string{"the national Prevent referral form", "the police gateway assessment", "the Prevent duty", "an extremist ideology", "the Prevent specialist social worker", "the police Prevent team", "Prevent case management", "the Counter-Terrorism and Security Act 2015", "a Prevent Concern Record"},
		actions: []string{"complete the national Prevent referral form", "speak to the Prevent specialist social worker", "send the referral to the police Prevent team",
			"tell your team manager the same day", "record the concern on GenCare with the Prevent flag", "check whether the child is already open to Children's Services"},
		signs: []string{"has started repeating extremist slogans in class", "is sharing far right memes in a group chat", "has drawn swastikas on school books",
			"says a terrorist attack was justified", "has become withdrawn and is spending nights on extremist forums", "is talking about joining a proscribed group"},
		teams:  []string{"prevent", "mash", "police-prevent"},
		titles: []string{"Making a Prevent referral in office hours", "Prevent referrals: what to include", "Prevent and the gateway assessment", "When a Prevent concern is also a safeguarding concern"},
		weight: 6,
	},
	{
		slug: "channel-panel", short: "Channel", name: "Channel panel", concern: "a case heading to Channel",
		tags:  []string{"channel", "prevent", "multi-agency-panel", "consent", "intervention-provider"},
		terms: []string{"the Channel panel", "the vulnerability assessment framework", "an intervention provider", "ideological mentoring", "the Channel chair", "parental consent to Channel support", "a six and twelve month review", "the Channel support plan"},
		actions: []string{"attend the Channel panel with an up-to-date chronology", "explain Channel to the family before panel", "complete the vulnerability assessment framework with police",
			"share the child's views with the Channel chair", "agree who will seek parental consent"},
		signs:  []string{"has been referred to Channel by police", "was discussed at panel last month", "has an intervention provider and is missing sessions"},
		teams:  []string{"prevent", "police-prevent"},
		titles: []string{"Attending Channel panel", "Channel: consent and the child's views", "Channel reviews at six and twelve months", "Preparing a family for Channel"},
		weight: 3,
	},
	{
		slug: "online-radicalisation", short: "online radicalisation", name: "online radicalisation and extremist content", concern: "a worry about extremist content online",
		tags:  []string{"online", "radicalisation", "extremist-content", "gaming", "social-media"},
		terms: []string{"extremist content", "gaming servers", "encrypted messaging apps", "algorithm-driven video feeds", "edgy memes", "terrorist material", "online grooming by extremists", "reporting harmful content", "screenshots and links"},
		actions: []string{"write down the platform, the user name and what was shared", "avoid forwarding the content itself", "report terrorist content to police",
			"talk to the young person about what they have seen online", "ask the school's DSL what the filtering logs show"},
		signs: []string{"is watching beheading videos on his phone", "spends every night on a far right gaming server", "shares propaganda videos with younger pupils",
			"has posted a manifesto-style message on social media", "joined a Discord server that glorifies school shootings"},
		teams:  []string{"prevent", "schools-safeguarding"},
		titles: []string{"Online radicalisation: what to do about extremist content", "Gaming platforms and extremism", "Reporting terrorist content found online"},
		weight: 4,
	},
	{
		slug: "mixed-ideology", short: "mixed ideology", name: "mixed, unclear or unstable ideology", concern: "a concern with no clear ideology",
		tags:  []string{"mixed-ideology", "incel", "misogyny", "conspiracy-theories", "prevent"},
		terms: []string{"a mixed, unclear or unstable ideology", "incel forums", "violent misogyny", "conspiracy theories", "a fixation on school massacres", "the manosphere", "a grievance against a school", "pick and mix ideology"},
		actions: []string{"describe the behaviour rather than trying to name an ideology", "consider whether the interest is a special interest linked to autism",
			"consult the Prevent specialist social worker", "look at the child's wider vulnerabilities, not just the views"},
		signs: []string{"is following incel influencers and talks about revenge on girls", "is fixated on school shootings and past attackers",
			"moves between conspiracy theories every few weeks", "says the world is controlled by a secret elite"},
		teams:  []string{"prevent", "psychology"},
		titles: []string{"Mixed, unclear or unstable ideologies", "Incel and misogynist extremism: guidance for practitioners", "Fixation on mass violence"},
		weight: 2,
	},
	{
		slug: "cse", short: "CSE", name: "child sexual exploitation", concern: "a CSE concern",
		tags:  []string{"cse", "exploitation", "sexual-exploitation", "grooming", "contextual-safeguarding"},
		terms: []string{"child sexual exploitation", "grooming", "an older boyfriend", "gifts and money", "hotels and taxis", "sexual health services", "a disruption plan", "the exploitation risk assessment", "sextortion"},
		actions: []string{"complete the exploitation risk assessment", "share information with the Heron Team", "ask police about disruption options",
			"make sure the young person has a trusted adult", "consider a strategy discussion"},
		signs: []string{"is picked up from school by older men in cars", "has new phones and clothes she cannot explain", "is staying out overnight at hotels",
			"has been asked to send nude images", "is being threatened with images unless she pays"},
		teams:  []string{"heron", "mash", "police-exploitation"},
		titles: []string{"Responding to child sexual exploitation", "CSE: indicators and first steps", "Disrupting perpetrators of CSE"},
		weight: 4,
	},
	{
		slug: "county-lines", short: "county lines", name: "county lines and child criminal exploitation", concern: "a county lines concern",
		tags:  []string{"county-lines", "cce", "criminal-exploitation", "nrm", "missing"},
		terms: []string{"county lines", "child criminal exploitation", "cuckooing", "the National Referral Mechanism", "debt bondage", "a trap house", "drug running", "serious youth violence", "the MACE meeting"},
		actions: []string{"consider a referral to the National Referral Mechanism", "complete the exploitation risk assessment", "tell the Heron Team the same day",
			"ask the return home interview worker to share what the child said", "map the child's peers, places and spaces"},
		signs: []string{"keeps going missing and coming back with cash", "has two phones and new trainers", "was found in another county with drugs",
			"has unexplained injuries and will not say where he has been", "is carrying a knife for protection"},
		teams:  []string{"heron", "missing", "youth-justice", "police-exploitation"},
		titles: []string{"County lines: what to do", "Child criminal exploitation and the NRM", "Cuckooing and vulnerable adults' homes"},
		weight: 5,
	},
	{
		slug: "missing", short: "missing children", name: "children who go missing", concern: "a missing child",
		tags:  []string{"missing", "return-home-interview", "police", "exploitation"},
		terms: []string{"a missing episode", "the return home interview", "the missing person report", "the police missing persons unit", "a pattern of going missing", "the missing from care protocol"},
		actions: []string{"report the child missing to police on 101 or 999", "offer a return home interview within 72 hours", "record every missing episode on GenCare",
			"consider whether the missing episodes point to exploitation"},
		signs:  []string{"has gone missing three times this month", "did not return to the children's home last night", "goes missing after contact with family"},
		teams:  []string{"missing", "heron", "edt"},
		titles: []string{"Children missing from home or care", "Return home interviews", "Missing episodes and exploitation"},
		weight: 3,
	},
	{
		slug: "mash", short: "MASH", name: "the MASH and new contacts", concern: "a new safeguarding concern",
		tags:  []string{"mash", "front-door", "referral", "screening", "duty"},
		terms: []string{"the MASH", "the multi-agency contact form", "the front door", "a RAG rating", "the duty social worker", "the MASH manager's decision", "multi-agency checks"},
		actions: []string{"phone the MASH if the concern is urgent", "complete the multi-agency contact form", "say whether the family knows about the contact",
			"include the child's own words", "give the child's school and GP"},
		signs:  []string{"told a teacher she is scared to go home", "arrived at school with a bruise on his face", "has been left alone overnight"},
		teams:  []string{"mash", "edt"},
		titles: []string{"How to contact the MASH", "What the MASH does with a contact", "Multi-agency contact form: a guide"},
		weight: 4,
	},
	{
		slug: "strategy-discussion", short: "strategy discussion", name: "strategy discussions", concern: "a possible significant harm concern",
		tags:  []string{"strategy-discussion", "s47", "police", "significant-harm"},
		terms: []string{"a strategy discussion", "a section 47 enquiry", "the record of the strategy discussion", "police, health and education", "significant harm", "the threshold for a strategy discussion", "a strategy meeting"},
		actions: []string{"ask the team manager to convene a strategy discussion", "invite police, health and the school", "record who attended and what was decided",
			"agree who will speak to the child and when"},
		signs:  []string{"has disclosed being hit with a belt", "was found with a serious unexplained injury", "has talked about travelling abroad to fight"},
		teams:  []string{"mash", "cp-conference"},
		titles: []string{"Strategy discussions for extremism concerns", "Convening a strategy discussion", "Who attends a strategy meeting"},
		weight: 3,
	},
	{
		slug: "s47", short: "s47", name: "section 47 enquiries", concern: "a child protection enquiry",
		tags:  []string{"s47", "child-protection", "icpc", "significant-harm"},
		terms: []string{"a section 47 enquiry", "the initial child protection conference", "a child protection plan", "the core group", "the 15 working day timescale", "a child protection medical"},
		actions: []string{"see the child alone", "complete the s47 enquiry within 15 working days", "book the initial child protection conference",
			"arrange a child protection medical if needed"},
		signs:  []string{"has a fracture that the parents cannot explain", "disclosed sexual abuse by a family member"},
		teams:  []string{"cp-conference", "mash"},
		titles: []string{"Section 47 enquiries: timescales", "From strategy discussion to ICPC", "Child protection medicals"},
		weight: 3,
	},
	{
		slug: "early-help", short: "early help", name: "early help", concern: "a concern below the child in need threshold",
		tags:  []string{"early-help", "eha", "beacon", "step-down", "team-around-the-family"},
		terms: []string{"Beacon Early Help", "an early help assessment", "the team around the family", "a lead professional", "step down from social care", "step up to social care", "family support workers"},
		actions: []string{"complete an early help assessment with the family's consent", "identify a lead professional", "hold a team around the family meeting",
			"step the case up to the MASH if things get worse"},
		signs:  []string{"is often late to school and the family is struggling", "was screened out by Prevent but still needs support", "has parents who have asked for help with behaviour"},
		teams:  []string{"beacon", "mash"},
		titles: []string{"Early help after Prevent screens a case out", "Requesting Beacon Early Help", "Step down from social care to early help"},
		weight: 4,
	},
	{
		slug: "thresholds", short: "thresholds", name: "thresholds and levels of need", concern: "a child whose level of need is unclear",
		tags:    []string{"thresholds", "levels-of-need", "cin", "child-protection"},
		terms:   []string{"the threshold document", "the continuum of need", "child in need under section 17", "significant harm", "universal services", "targeted early help", "specialist services"},
		actions: []string{"use the threshold document to decide the level of need", "talk the case through with the MASH consultation line", "record your reasoning"},
		signs:   []string{"has needs that do not fit neatly into one level", "is on a child in need plan but the risks are rising"},
		teams:   []string{"mash", "beacon"},
		titles:  []string{"Thresholds: levels of need in Generated Vale", "Child in need or child protection?", "Using the continuum of need"},
		weight:  3,
	},
	{
		slug: "lado", short: "LADO", name: "allegations against staff", concern: "an allegation against a member of staff",
		tags:  []string{"lado", "allegations", "position-of-trust", "safer-recruitment"},
		terms: []string{"the LADO", "an allegation against a person in a position of trust", "the initial evaluation", "the allegations management meeting", "a low-level concern", "the harm test", "suspension"},
		actions: []string{"contact the LADO within one working day", "do not investigate the allegation yourself", "tell the head teacher unless the allegation is about them",
			"keep a written record of what was said"},
		signs:  []string{"says a coach sent him messages on Snapchat", "told a teacher that a residential worker hit her"},
		teams:  []string{"lado"},
		titles: []string{"Contacting the LADO", "Allegations against staff and volunteers", "Low-level concerns and the LADO"},
		weight: 2,
	},
	{
		slug: "out-of-hours", short: "out of hours", name: "out of hours safeguarding", concern: "a concern outside office hours",
		tags:  []string{"edt", "out-of-hours", "weekend", "bank-holiday"},
		terms: []string{"the Emergency Duty Team", "out of hours", "weekends and bank holidays", "police protection", "the on-call manager", "the next working day handover"},
		actions: []string{"phone the Emergency Duty Team", "call 999 if a child is in immediate danger", "email the MASH so the contact is picked up the next working day",
			"tell EDT what has already been done"},
		signs:  []string{"turned up at the police station at midnight", "rang a worker on Saturday saying she could not go home"},
		teams:  []string{"edt", "police-prevent"},
		titles: []string{"Prevent concerns out of hours, at weekends and on bank holidays", "Contacting the Emergency Duty Team", "Out of hours handover to the MASH"},
		weight: 3,
	},
	{
		slug: "consent", short: "consent", name: "consent and information sharing", concern: "an information sharing dilemma",
		tags:  []string{"consent", "information-sharing", "gdpr", "data-protection"},
		terms: []string{"consent", "UK GDPR", "the Data Protection Act 2018", "a lawful basis for sharing", "the seven golden principles of information sharing", "Gillick competence", "an information sharing agreement"},
		actions: []string{"record what you shared, with whom and why", "tell the family unless that would increase the risk", "share without consent where a child may be at risk of significant harm",
			"ask the data protection officer if you are unsure"},
		signs:  []string{"has asked you not to tell his parents", "is 16 and refuses consent to a referral"},
		teams:  []string{"prevent", "mash", "schools-safeguarding"},
		titles: []string{"Consent and information sharing in Prevent work", "Sharing information without consent", "Gillick competence and consent"},
		weight: 3,
	},
	{
		slug: "domestic-abuse", short: "domestic abuse", name: "domestic abuse", concern: "a domestic abuse concern",
		tags:    []string{"domestic-abuse", "marac", "dash", "idva", "operation-encompass"},
		terms:   []string{"domestic abuse", "the DASH risk checklist", "MARAC", "an IDVA", "coercive control", "Operation Encompass notifications", "child to parent violence"},
		actions: []string{"complete the DASH risk checklist", "refer to MARAC if the risk is high", "make a safety plan with the non-abusing parent", "tell the school through Operation Encompass"},
		signs:   []string{"saw his father strangle his mother", "lives with a parent who is controlled by a partner"},
		teams:   []string{"domestic-abuse", "mash"},
		titles:  []string{"Domestic abuse: risk and referral", "MARAC referrals", "Child to parent violence"},
		weight:  3,
	},
	{
		slug: "mental-health", short: "mental health", name: "mental health and self-harm", concern: "a mental health concern",
		tags:    []string{"mental-health", "camhs", "self-harm", "crisis"},
		terms:   []string{"CAMHS", "the CAMHS crisis line", "self-harm", "suicidal thoughts", "an eating disorder", "a place of safety", "a mental health assessment"},
		actions: []string{"call the CAMHS crisis line", "take the young person to A&E if they have taken an overdose", "ask the GP to refer to CAMHS", "make a safety plan with the young person"},
		signs:   []string{"is self-harming and has stopped eating", "said she does not want to be alive", "hears voices telling him to hurt people"},
		teams:   []string{"camhs", "psychology"},
		titles:  []string{"Mental health and radicalisation", "Self-harm: first steps", "Contacting CAMHS in a crisis"},
		weight:  3,
	},
	{
		slug: "send", short: "SEND", name: "SEND and neurodiversity", concern: "a concern about a neurodivergent child",
		tags:    []string{"send", "autism", "adhd", "neurodiversity", "ehcp"},
		terms:   []string{"autism", "ADHD", "a special interest", "an EHCP", "the SENCO", "reasonable adjustments", "a learning disability", "speech and language needs"},
		actions: []string{"adapt your communication to the child's needs", "ask the SENCO what works for the child", "book a consultation with a psychologist", "avoid treating a special interest as an ideology without evidence"},
		signs:   []string{"is autistic and obsessed with weapons and wars", "has ADHD and copies what older boys post online"},
		teams:   []string{"psychology", "schools-safeguarding"},
		titles:  []string{"Pathway: SEND and neurodiversity", "Special interests or extremist ideology?", "Adapting Prevent work for autistic children"},
		weight:  3,
	},
	{
		slug: "schools", short: "school concerns", name: "concerns raised by schools", concern: "a concern from a school",
		tags:    []string{"schools", "dsl", "kcsie", "education"},
		terms:   []string{"the designated safeguarding lead", "Keeping Children Safe in Education", "the school's safeguarding log", "a managed move", "exclusion", "the Prevent duty in schools", "filtering and monitoring"},
		actions: []string{"speak to the DSL the same day", "record the concern on the school's safeguarding system", "call the MASH consultation line for advice", "think about the child's attendance and exclusions"},
		signs:   []string{"wrote an essay praising a terrorist", "was overheard making racist threats to a classmate", "has stopped attending since a managed move"},
		teams:   []string{"schools-safeguarding", "prevent"},
		titles:  []string{"Pathway: a concern raised by a school", "Support for designated safeguarding leads", "The Prevent duty in schools"},
		weight:  3,
	},
	{
		slug: "recording", short: "recording", name: "recording on GenCare", concern: "a Prevent concern that needs recording",
		tags:    []string{"recording", "gencare", "case-notes", "chronology"},
		terms:   []string{"GenCare", "the Prevent flag", "a case note", "the chronology", "the Prevent Concern Record", "restricted access records", "the case summary"},
		actions: []string{"record the concern on GenCare within 24 hours", "add the Prevent flag", "update the chronology", "restrict access to the record if police ask"},
		signs:   []string{"has a GenCare record with an old Prevent flag", "has no chronology on file"},
		teams:   []string{"quality", "prevent"},
		titles:  []string{"Recording Prevent concerns on GenCare", "Keeping a chronology", "Restricted records on GenCare"},
		weight:  2,
	},
	{
		slug: "psychology", short: "psychology consultation", name: "psychology consultations", concern: "a case that needs a psychology consultation",
		tags:    []string{"psychology", "consultation", "formulation", "compass"},
		terms:   []string{"a psychology consultation", "the Compass Psychology Consultation Service", "a formulation", "a reflective case discussion", "the consultation queue", "trauma-informed practice"},
		actions: []string{"book a consultation through the psychology queue", "send a short case summary before the consultation", "bring the questions you want answered", "share the formulation with the team around the child"},
		signs:   []string{"has a trauma history that makes engagement hard", "does not respond to any of the usual approaches"},
		teams:   []string{"psychology"},
		titles:  []string{"Booking a psychology consultation through Compass", "What to expect from a psychology consultation", "Formulation in exploitation cases"},
		weight:  2,
	},
	{
		slug: "hsb", short: "HSB", name: "harmful sexual behaviour", concern: "a harmful sexual behaviour concern",
		tags:    []string{"hsb", "child-on-child-abuse", "sexual-behaviour"},
		terms:   []string{"harmful sexual behaviour", "child-on-child abuse", "the traffic light tool", "a safety plan in school", "sharing nudes", "an HSB assessment"},
		actions: []string{"use the traffic light tool to judge the behaviour", "make a safety plan for both children", "consult the HSB lead before speaking to the family"},
		signs:   []string{"touched a younger child sexually", "shared a nude image of a classmate"},
		teams:   []string{"mash", "youth-justice"},
		titles:  []string{"Harmful sexual behaviour: first response", "Child-on-child abuse in schools"},
		weight:  2,
	},
	{
		slug: "modern-slavery", short: "modern slavery", name: "modern slavery and trafficking", concern: "a trafficking concern",
		tags:    []string{"modern-slavery", "trafficking", "nrm", "uasc"},
		terms:   []string{"modern slavery", "human trafficking", "the National Referral Mechanism", "a first responder", "an unaccompanied asylum seeking child", "an independent child trafficking guardian"},
		actions: []string{"make an NRM referral as a first responder", "treat the child as a potential victim first", "check the child's age assessment with care"},
		signs:   []string{"arrived alone and is working in a car wash", "owes money to the people who brought him here"},
		teams:   []string{"heron", "mash"},
		titles:  []string{"Making an NRM referral", "Trafficked and unaccompanied children"},
		weight:  2,
	},
	{
		slug: "harmful-practices", short: "FGM and forced marriage", name: "FGM, forced marriage and honour-based abuse", concern: "a harmful practices concern",
		tags:    []string{"fgm", "forced-marriage", "honour-based-abuse"},
		terms:   []string{"female genital mutilation", "the FGM mandatory reporting duty", "forced marriage", "the Forced Marriage Unit", "honour-based abuse", "a forced marriage protection order"},
		actions: []string{"report known FGM in a girl under 18 to police", "do not speak to the family if that could increase risk", "contact the Forced Marriage Unit for advice"},
		signs:   []string{"is going abroad for a long summer holiday for a special ceremony", "says her family are arranging a marriage"},
		teams:   []string{"mash", "domestic-abuse"},
		titles:  []string{"FGM: the mandatory reporting duty", "Forced marriage and honour-based abuse"},
		weight:  1,
	},
	{
		slug: "contextual-safeguarding", short: "contextual safeguarding", name: "contextual safeguarding", concern: "a concern about harm outside the home",
		tags:    []string{"contextual-safeguarding", "extra-familial-harm", "peer-groups", "mace"},
		terms:   []string{"contextual safeguarding", "extra-familial harm", "peer group mapping", "a location assessment", "the MACE meeting", "parks, shops and transport hubs"},
		actions: []string{"map the young person's peer group", "request a location assessment", "bring the case to the MACE meeting", "work with the community safety partnership"},
		signs:   []string{"hangs around the bus station with older teenagers", "is part of a group linked to robberies"},
		teams:   []string{"heron", "community-safety"},
		titles:  []string{"Contextual safeguarding in Generated Vale", "Location assessments", "The MACE meeting"},
		weight:  2,
	},
	{
		slug: "neglect", short: "neglect", name: "neglect", concern: "a neglect concern",
		tags:    []string{"neglect", "graded-care-profile", "child-in-need"},
		terms:   []string{"neglect", "the Graded Care Profile", "home conditions", "missed health appointments", "cumulative harm", "a child in need plan"},
		actions: []string{"complete the Graded Care Profile with the family", "keep a chronology of missed appointments", "ask the health visitor what they have seen"},
		signs:   []string{"comes to school hungry and in dirty clothes", "has missed every dental and health appointment this year"},
		teams:   []string{"beacon", "mash"},
		titles:  []string{"Neglect: using the Graded Care Profile", "Cumulative harm and neglect"},
		weight:  2,
	},
	{
		slug: "transitions", short: "transition to adults", name: "young people turning 18", concern: "a young person approaching 18",
		tags:    []string{"transitions", "care-leavers", "adult-safeguarding", "care-act"},
		terms:   []string{"the Care Act 2014", "adult safeguarding", "a transition plan", "the leaving care team", "a personal adviser", "Prevent for adults"},
		actions: []string{"start transition planning at 16", "refer to adult safeguarding if the young person will still be at risk", "tell the Channel panel when a young person turns 18"},
		signs:   []string{"turns 18 next month and is still involved with an extremist group", "is a care leaver being exploited by adults"},
		teams:   []string{"leaving-care", "prevent"},
		titles:  []string{"Turning 18: transition to adult services", "Care leavers and exploitation"},
		weight:  2,
	},
	{
		slug: "education-missing", short: "children missing education", name: "children missing education and home education", concern: "a child missing from education",
		tags:    []string{"cme", "ehe", "attendance", "education"},
		terms:   []string{"children missing education", "elective home education", "the education welfare service", "persistent absence", "unregistered schools", "a part-time timetable"},
		actions: []string{"tell the children missing education officer", "check whether the child is on roll somewhere else", "ask the education welfare service for a home visit"},
		signs:   []string{"was taken off roll to be home educated", "attends an unregistered setting"},
		teams:   []string{"schools-safeguarding", "beacon"},
		titles:  []string{"Children missing education", "Elective home education and safeguarding"},
		weight:  2,
	},
	{
		slug: "escalation", short: "escalation", name: "professional disagreements and escalation", concern: "a disagreement with another agency",
		tags:    []string{"escalation", "professional-disagreement", "resolution"},
		terms:   []string{"the escalation policy", "a professional disagreement", "the resolution process", "the safeguarding partnership", "the service manager"},
		actions: []string{"talk to the other worker first", "escalate to your manager if you still disagree", "record each stage of the escalation"},
		signs:   []string{"was screened out although you think the risk is high"},
		teams:   []string{"quality", "mash"},
		titles:  []string{"Resolving professional disagreements", "Escalating a decision you disagree with"},
		weight:  1,
	},
}

// team is a council, police or health team that contacts describe.
type team struct {
	slug       string // email local part and key
	name       string
	short      string // in chat
	org        string
	domain     string
	roles      []string
	specialism string // names a consultation queue; empty for none
	bookable   bool
	hours      []string
}

const (
	council = "Generated Vale Children's Services"
	police  = "Generated Vale Constabulary"
	health  = "Generated Vale Health and Care NHS Trust"

	councilDomain = "generatedvale.example"
	policeDomain  = "gvpolice.example"
	healthDomain  = "gvhealth.example"
)

var officeHours = []string{"Mon-Thu 08:45-17:00, Fri 08:45-16:30", "Mon-Fri 09:00-17:00", "Mon-Fri 08:30-17:00", "Mon-Fri 09:00-16:30", "Mon, Tue and Thu 09:00-17:00", "Tue-Fri 09:30-17:00"}

var teams = []team{
	{slug: "mash", name: "MASH Duty Team", short: "MASH", org: council, domain: councilDomain,
		roles: []string{"Duty Social Worker", "MASH Team Manager", "MASH Deputy Manager", "Senior Practitioner", "Information Officer"}, hours: officeHours[:2]},
	{slug: "edt", name: "Emergency Duty Team", short: "EDT", org: council, domain: councilDomain,
		roles: []string{"EDT Social Worker", "EDT Manager", "Out of Hours Senior Practitioner"}, hours: []string{"Mon-Thu 17:00-08:45, Fri 16:30 to Mon 08:45, bank holidays all day", "Evenings, weekends and bank holidays"}},
	{slug: "prevent", name: "Prevent Partnership Team", short: "Prevent team", org: council, domain: councilDomain,
		roles: []string{"Prevent Specialist Social Worker", "Prevent Coordinator", "Prevent Education Officer", "Channel Panel Chair"}, specialism: "prevent", bookable: true, hours: officeHours},
	{slug: "police-prevent", name: "Police Prevent Team", short: "police Prevent", org: police, domain: policeDomain,
		roles: []string{"Prevent Officer", "Prevent Sergeant", "Prevent Case Officer"}, hours: officeHours[1:3]},
	{slug: "heron", name: "Heron Exploitation Team", short: "Heron", org: council, domain: councilDomain,
		roles: []string{"Exploitation Practitioner", "Heron Team Manager", "Exploitation Lead", "Youth Worker"}, specialism: "exploitation", bookable: true, hours: officeHours},
	{slug: "police-exploitation", name: "Police Child Exploitation Unit", short: "police exploitation unit", org: police, domain: policeDomain,
		roles: []string{"Detective Constable", "Detective Sergeant", "Exploitation Coordinator"}, hours: officeHours[1:3]},
	{slug: "missing", name: "Missing and Return Service", short: "missing team", org: council, domain: councilDomain,
		roles: []string{"Return Home Interview Worker", "Missing Coordinator"}, hours: []string{"Mon-Fri 09:00-19:00, Sat 10:00-14:00", "Mon-Fri 09:00-17:00"}},
	{slug: "beacon", name: "Beacon Early Help", short: "Beacon", org: council, domain: councilDomain,
		roles: []string{"Early Help Coordinator", "Family Support Worker", "Early Help Team Manager", "Lead Professional Adviser"}, specialism: "early-help", hours: officeHours},
	{slug: "lado", name: "LADO Service", short: "LADO", org: council, domain: councilDomain,
		roles: []string{"Local Authority Designated Officer", "Deputy LADO", "Allegations Coordinator"}, specialism: "lado", bookable: true, hours: officeHours[:3]},
	{slug: "cp-conference", name: "Child Protection Conference Service", short: "conference service", org: council, domain: councilDomain,
		roles: []string{"Child Protection Chair", "Conference Coordinator", "Independent Reviewing Officer"}, hours: officeHours},
	{slug: "schools-safeguarding", name: "Schools Safeguarding Team", short: "schools safeguarding", org: council, domain: councilDomain,
		roles: []string{"Education Safeguarding Adviser", "Children Missing Education Officer", "Education Welfare Officer"}, hours: officeHours},
	{slug: "psychology", name: "Compass Psychology Consultation Service", short: "Compass", org: council, domain: councilDomain,
		roles: []string{"Clinical Psychologist", "Consultant Clinical Psychologist", "Forensic Psychologist", "Assistant Psychologist"}, specialism: "psychology", bookable: true, hours: officeHours},
	{slug: "camhs", name: "CAMHS Crisis Team", short: "CAMHS crisis", org: health, domain: healthDomain,
		roles: []string{"Crisis Practitioner", "CAMHS Clinical Lead", "Mental Health Nurse"}, hours: []string{"Every day 08:00-22:00", "24 hours, 7 days a week"}},
	{slug: "youth-justice", name: "Youth Justice Service", short: "YJS", org: council, domain: councilDomain,
		roles: []string{"Youth Justice Officer", "YJS Team Manager", "Speech and Language Therapist"}, hours: officeHours},
	{slug: "domestic-abuse", name: "Domestic Abuse Hub", short: "DA hub", org: council, domain: councilDomain,
		roles: []string{"IDVA", "Domestic Abuse Coordinator", "MARAC Coordinator"}, hours: officeHours},
	{slug: "quality", name: "Quality Assurance Unit", short: "QA unit", org: council, domain: councilDomain,
		roles: []string{"Quality Assurance Officer", "Principal Social Worker", "GenCare Systems Adviser"}, hours: officeHours},
	{slug: "leaving-care", name: "Leaving Care Team", short: "leaving care", org: council, domain: councilDomain,
		roles: []string{"Personal Adviser", "Leaving Care Manager"}, hours: officeHours},
	{slug: "community-safety", name: "Community Safety Partnership", short: "community safety", org: council, domain: councilDomain,
		roles: []string{"Community Safety Officer", "Violence Reduction Coordinator"}, hours: officeHours},
}

// places are localities of the fictional Generated Vale.
var places = []string{
	"Harrowfield", "Low Merrow", "Brackenbridge", "Eastwick Moor", "Tollbury", "Saltmarsh End", "Fennick Cross", "Otterbrook",
	"Greystead", "Kilnworth", "Cobbleford", "Quarrydown", "Wrenhollow", "Peverell Green", "Sandlow", "Linnet Vale", "Millbrack", "Hobbs Reach",
}

var buildings = []string{"Orchard House", "the Civic Centre", "Kingfisher Court", "Millbrack Hub", "Tollbury Family Centre", "Quarry Lane Offices", "the Old Library"}

var firstNames = []string{
	"Amara", "Bryony", "Caius", "Delphine", "Eamon", "Fenella", "Gideon", "Hollis", "Ines", "Jago", "Kerensa", "Lorcan", "Maelle", "Nerys",
	"Orrin", "Perpetua", "Quillon", "Rosalind", "Sefton", "Tamsin", "Ulric", "Verity", "Wilf", "Xanthe", "Yannick", "Zillah", "Anouk",
	"Bastian", "Cerys", "Dorian", "Elspeth", "Florian", "Greer", "Hamish", "Isolde", "Jory", "Kitty", "Leontyne", "Marek", "Niamh", "Oona",
	"Piran", "Rhiannon", "Saoirse", "Tobin", "Una", "Vashti", "Wendeline", "Yestin", "Zoltan", "Adaeze", "Bimala", "Chidi", "Darshan",
	"Efua", "Farida", "Gurpreet", "Hamza", "Ifeoma", "Jaswinder", "Kwabena", "Lakshmi", "Mehmet", "Nkechi", "Oluwaseun", "Parveen",
}

var surnames = []string{
	"Ashdown", "Brackwell", "Caddick", "Dunmore", "Ellery", "Fairbrass", "Gillow", "Hathersage", "Ingleby", "Jessop", "Kettleborough",
	"Lanyon", "Moffatt", "Nettleship", "Ormerod", "Pendlebury", "Quarmby", "Rawcliffe", "Sowerby", "Threlfall", "Uttley", "Varley",
	"Wadsworth", "Yeadon", "Ackroyd", "Birtwistle", "Cragg", "Dawtrey", "Eccleston", "Fothergill", "Greenhalgh", "Haworth", "Illingworth",
	"Jagger", "Kershaw", "Lumb", "Mellor", "Nuttall", "Oddie", "Pickles", "Ramsbottom", "Sutcliffe", "Tattersall", "Whitworth",
	"Adeyemi-Holt", "Okonjo", "Banerjee-Shaw", "Chaudhry", "Mensah-Lowe", "Nakamura", "Osei", "Quraishi", "Rahman-Boyd", "Szymanska", "Tiwari",
}

var titlesOfAddress = []string{"", "", "", "", "Dr "}

var audiences = []string{"social workers", "teachers and DSLs", "health visitors and school nurses", "youth workers", "foster carers",
	"early help practitioners", "police officers", "GP practice staff", "residential care staff", "newly qualified social workers", "team managers"}

var partners = []string{"police", "health", "the school", "the GP", "CAMHS", "the youth justice service", "housing", "probation", "the health visitor", "the college"}

var settings = []string{"secondary school", "primary school", "pupil referral unit", "sixth form college", "children's home", "youth club",
	"foster placement", "GP surgery", "A&E department", "leisure centre", "football club", "supported lodging"}

var timeframes = []string{"the same working day", "within 24 hours", "within one working day", "within three working days", "within five working days",
	"within 72 hours", "before the end of your shift", "within ten working days"}

var ageGroups = []string{"a 14-year-old boy", "a 15-year-old girl", "a 12-year-old boy", "a 16-year-old young person", "a 13-year-old girl", "a 17-year-old young man", "an 11-year-old pupil"}

var laws = []string{"the Children Act 1989", "the Children Act 2004", "Working Together to Safeguard Children", "Keeping Children Safe in Education",
	"the Counter-Terrorism and Security Act 2015", "the Modern Slavery Act 2015", "the Data Protection Act 2018", "the Care Act 2014", "the Domestic Abuse Act 2021"}

var levels = []string{"introductory", "advanced", "refresher", "for managers", "level 2", "level 3"}

var formats = []string{"a three-hour online session on Teams", "a full-day workshop at Orchard House", "a 45-minute e-learning module", "a half-day session at the Civic Centre",
	"a lunchtime briefing", "two morning sessions a week apart", "a recorded webinar with a live question session"}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "September", "October", "November", "December"}

// Syllables of invented local names (schools, streets, estates, venues and
// surnames). They give the corpus the long tail of rare proper nouns that a
// real council's documents have.
var (
	nameHeads = []string{"Ash", "Brack", "Wen", "Mor", "Kel", "Bran", "Cal", "Der", "Fen", "Gar", "Hal", "Mar", "Sel", "Pen", "Tre",
		"Ros", "Lan", "Thorn", "Oak", "Elm", "Hob", "Quin", "Rook", "Sty", "Wyr", "Ux", "Ver", "Yar", "Zen", "Cro"}
	nameMiddles = []string{"", "", "", "ing", "er", "en", "a", "ers", "wyn", "al"}
	nameTails   = []string{"ley", "ton", "field", "ham", "by", "thorpe", "wick", "stead", "brook", "dale", "holme", "ford", "combe", "den",
		"hurst", "low", "mere", "wold", "cote", "well", "bury", "gate", "more", "shaw"}
)

// inventedWords is how many distinct invented names there are.
var inventedWords = len(nameHeads) * len(nameMiddles) * len(nameTails)

// inventedWord returns the k-th invented name.
func inventedWord(k int) string {
	h := k % len(nameHeads)
	k /= len(nameHeads)
	t := k % len(nameTails)
	k /= len(nameTails)
	m := k % len(nameMiddles)
	return nameHeads[h] + nameMiddles[m] + nameTails[t]
}

var schoolKinds = []string{"%s Academy", "%s Primary School", "%s High School", "%s Community College", "St Aldric's Primary, %s", "%s Infant School"}
var streetKinds = []string{"%s Road", "%s Lane", "%s Close", "%s Street", "%s Way", "%s Avenue"}
var venueKinds = []string{"%s Community Centre", "%s Family Hub", "%s Youth Club", "%s Library", "%s Leisure Centre", "%s Children's Centre"}
