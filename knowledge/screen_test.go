package knowledge_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/waymarkhq/waymark/knowledge"
)

// sameKinds reports whether got and want hold the same kinds, in any order.
func sameKinds(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

type riskCase struct {
	name     string
	q        string
	escalate bool
	risks    []string
	why      string
}

var riskCases = []riskCase{
	// A question about the law that names no one is a topic.
	{"weapon/not a risk: the law", "whats the max sentence for carrying a knife in public", false,
		nil, "a question about the law, naming no one"},
	{"weapon/the law, with someone carrying", "whats the max sentence, hes carrying a knife in public", true,
		[]string{knowledge.RiskWeapon}, "someone is carrying one now: the law question does not hide it"},
	{"weapon/found on someone, the law asked", "found a knife in his bag, what's the sentence for that", true,
		[]string{knowledge.RiskWeapon}, "the law asked about a weapon found on someone"},
	// Violence now, a young child alone, exploitation at hand.
	{"danger/violence now", "neighbour rang, stepdad is kicking off and punching the older boy right now", true,
		[]string{knowledge.RiskDanger}, "violence happening now"},
	{"danger/toddler alone", "a 3 year old has been left on her own in the car park since lunch", true,
		[]string{knowledge.RiskDanger}, "a young child alone"},
	{"danger/held", "she messaged her sister saying she is being held at a flat and can't leave", true,
		[]string{knowledge.RiskDanger}, "held against her will"},
	{"danger/meeting an adult soon", "he's arranged to meet a man he met online after school today", true,
		[]string{knowledge.RiskDanger}, "meeting an adult met online, today"},
	{"danger/online adult outside now", "the snapchat guy's outside her school in his car", true,
		[]string{knowledge.RiskDanger}, "an adult met online is outside: present, though no time is said"},
	{"danger/not a risk: mum outside", "my mum's outside the school in the car, can I go?", false,
		nil, "a parent outside is no adult met online"},
	{"danger/not a risk: old violence", "dad used to hit mum years ago, is that still a DA referral", false,
		nil, "violence in the past"},
	{"danger/not a risk: teenager alone", "is it ok for a 15 year old to be home alone for the weekend", false,
		nil, "not a young child"},
	{"danger/not a risk: trip", "she does not want to go home early from the residential trip", false,
		nil, "not wanting to leave a trip is no fear of home"},
	// Suicide.
	{"suicide/now", "year 10 boy has texted his mate saying he's going to end it tonight", true,
		[]string{knowledge.RiskSuicide}, "intent and a time"},
	{"suicide/not a risk: training", "any suicide prevention training for foster carers", false,
		nil, "training on a topic"},
	// FGM.
	{"fgm/trip to be cut", "older sister worries the 8yo is being taken abroad in the holidays to be cut", true,
		[]string{knowledge.RiskFGM}, "travel abroad for FGM"},
	// Attack and weapon: people, not idioms or policy.
	{"attack/weapon as a verb", "says he is gonna shank the lad who jumped him", true,
		[]string{knowledge.RiskAttack}, "a weapon used as a verb"},
	{"attack/dropped g", "hes goin to stab someone at the park later", true,
		[]string{knowledge.RiskAttack}, "chat spelling"},
	{"attack/not a risk: idiom", "the choir are going to kill it at the carol service", false,
		nil, "an idiom"},
	{"weapon/not a risk: policy", "what is the guidance on pupils bringing knives into school", false,
		nil, "a policy question about pupils in general"},
	{"weapon/not a risk: drawing", "in art he drew a picture of a rifle, should i worry", false,
		nil, "a drawing, not a photo"},
	{"weapon/policy but a child", "he has a knife in his bag, what is the policy", true,
		[]string{knowledge.RiskWeapon}, "a policy question about a particular child with a weapon"},

	// Forced marriage.
	{"marriage/flight to wed", "her aunt has booked her a flight to Pakistan next week, she thinks it's for her wedding", true,
		[]string{knowledge.RiskMarriage}, "travel abroad for a child's wedding"},
	{"marriage/forced", "year 11 girl told her teacher her parents are forcing her into a marriage", true,
		[]string{knowledge.RiskMarriage}, "forced into a marriage"},
	{"marriage/forced to marry", "16 yo lad says he will be forced to marry his cousin in the summer", true,
		[]string{knowledge.RiskMarriage}, "forced to marry"},
	{"marriage/not a risk: parents married", "dad and stepmum got married last spring, does that change who has parental responsibility", false,
		nil, "a parent's marriage, no travel"},
	{"marriage/not a risk: guidance", "where is our forced marriage unit guidance", false,
		nil, "a question about guidance, not a child"},
	// A child afraid to go home, or with nowhere safe tonight.
	{"danger/scared to go home", "9 year old told me at pick up she is scared to go home because of her stepdad", true,
		[]string{knowledge.RiskDanger}, "afraid to go home"},
	{"danger/refuses to go home", "teen at reception refusing to go home, says his brother will batter him", true,
		[]string{knowledge.RiskDanger}, "refuses to go home for fear of harm"},
	{"danger/nowhere tonight", "mum has thrown the 15yo out and he has nowhere to sleep tonight", true,
		[]string{knowledge.RiskDanger}, "nowhere to sleep tonight"},
	{"danger/threat at home", "girl in reception says her stepdad will batter her when she gets home", true,
		[]string{knowledge.RiskDanger}, "a threat of violence at home"},
	{"danger/threat tonight", "he keeps saying mum's partner is going to leather him tonight", true,
		[]string{knowledge.RiskDanger}, "a threat of harm tonight"},
	{"danger/not a risk: sport", "the under 14s say they will beat them in the cup final on saturday", false,
		nil, "a match, not a child at risk"},
	{"missing/with older males", "14 yo boy missing since friday, last seen with some older males near the station", true,
		[]string{knowledge.RiskMissing}, "missing, with older males"},
	{"missing/trap house", "our looked after lad has gone missing again, thought to be at a trap house in the next town", true,
		[]string{knowledge.RiskMissing}, "missing, at a place drugs are dealt from"},
	{"danger/not a risk: home visit", "how do i prepare a child for going home after a foster placement ends", false,
		nil, "going home, without fear"},
	// A weapon seen or made.
	{"weapon/video of a gun", "a pupil showed his mates a video of himself holding what looks like a real gun", true,
		[]string{knowledge.RiskWeapon}, "a video of a weapon in his hands"},
	{"weapon/photo of explosives", "lad posted a photo of a jar of explosives on snapchat with a countdown", true,
		[]string{knowledge.RiskWeapon}, "a photo of explosives"},
	{"weapon/pipe bomb", "police think the boy may have a pipe bomb", true,
		[]string{knowledge.RiskWeapon}, "a home-made bomb exists only when made"},
	{"weapon/not a risk: training video", "is there a training video on knife crime for year 9", false,
		nil, "a training video on a topic"},
	{"weapon/not a risk: pictures as a topic", "is it an offence to share pictures of weapons online", false,
		nil, "pictures of weapons, no one they are about"},
	{"danger/not a risk: afraid of the dark", "she is afraid of the dark since the move, any leaflets for parents", false,
		nil, "a fear, not of going home"},
	// Travel to join a group or a conflict.
	{"travel/fly to join isis", "mum thinks he's planning to fly to Turkey next week to join ISIS", true,
		[]string{knowledge.RiskTravel}, "a flight and a named group in one sentence"},
	{"travel/bride flights syria", "she keeps talking about becoming a jihadi bride and has booked flights to Syria", true,
		[]string{knowledge.RiskTravel}, "flights to a conflict zone to marry"},
	{"travel/passport fight for the cause", "his passport has gone from the drawer and he keeps saying he'll go and fight for the cause", true,
		[]string{knowledge.RiskTravel}, "a passport and a wish to fight in one sentence"},
	{"travel/leaving for war zone", "Y10 lad says he's leaving for the war zone this summer to be with his cousin", true,
		[]string{knowledge.RiskTravel}, "leaving for a war zone"},
	{"travel/sent abroad to marry a fighter", "worried a 15yo girl is being sent abroad to marry one of the fighters", true,
		[]string{knowledge.RiskTravel}, "sent abroad to marry a fighter: travel to join a group"},

	// A weapon at hand.
	{"weapon/brought knife to school", "DSL says a Y9 pupil brought a knife into school today and won't say why", true,
		[]string{knowledge.RiskWeapon}, "a knife brought in today"},
	{"weapon/machete under bed", "mum found a machete under his bed last night", true,
		[]string{knowledge.RiskWeapon}, "a machete found at home"},
	{"weapon/carrying blade", "he's been carrying a blade since the fight at the park", true,
		[]string{knowledge.RiskWeapon}, "carrying a blade now"},
	{"weapon/showed gun on snap", "he showed his mates a gun on snapchat", true,
		[]string{knowledge.RiskWeapon}, "showed a gun"},
	{"weapon/bomb making on laptop", "police found bomb-making notes on his laptop", true,
		[]string{knowledge.RiskWeapon}, "bomb-making"},
	{"weapon/crossbow in bedroom", "there's a crossbow in his bedroom, dad has no idea where it came from", true,
		[]string{knowledge.RiskWeapon}, "a weapon in his bedroom"},
	{"weapon/buying chemicals for explosives", "he's been buying chemicals online to make explosives", true,
		[]string{knowledge.RiskWeapon}, "buying materials for explosives"},
	{"weapon/how to make a pipe bomb", "his search history is full of how to make a pipe bomb", true,
		[]string{knowledge.RiskWeapon}, "instructions for a bomb, with a word between 'a' and 'bomb'"},

	// A stated plan to attack.
	{"attack/going to stab bullies", "he told his form tutor he's going to stab the lads who bullied him", true,
		[]string{knowledge.RiskAttack}, "a stated plan to stab"},
	{"attack/shoot up the school", "Y11 girl posted on her story that she'll shoot up the school on Friday", true,
		[]string{knowledge.RiskAttack}, "shoot up the school"},
	{"attack/kill list in planner", "teacher found a kill list of staff names in his planner", true,
		[]string{knowledge.RiskAttack}, "a kill list"},
	{"attack/wants to blow up mosque", "student keeps saying he wants to blow up the mosque in town", true,
		[]string{knowledge.RiskAttack}, "wants to blow up a place of worship"},
	{"attack/preparing an attack", "he says he's preparing an attack on the synagogue at the weekend", true,
		[]string{knowledge.RiskAttack}, "preparing an attack"},
	{"attack/told friends he would attack", "he's told friends he would attack the march on Saturday", true,
		[]string{knowledge.RiskAttack}, "told friends he would attack"},
	{"attack/threatened to set fire", "he threatened to set fire to his old school after he was excluded", true,
		[]string{knowledge.RiskAttack}, "a threat to set fire"},
	{"attack/i'll murder them diary", "found his diary and it says I’ll murder them all", true,
		[]string{knowledge.RiskAttack}, "I'll murder, with a curly apostrophe"},
	{"attack/make them all pay", "lad on the gaming server said he'll make them all pay on Monday", true,
		[]string{knowledge.RiskAttack}, "make them (all) pay, a stated threat"},

	// A missing child with another risk.
	{"missing/with an older man", "15 yr old missing since last night, we think she's with an older man she met online", true,
		[]string{knowledge.RiskMissing}, "missing and with an older man"},
	{"missing/run away and groomed", "she's run away again and we think she's being groomed", true,
		[]string{knowledge.RiskMissing}, "run away and groomed"},
	{"missing/county lines", "hasn't come home since Friday, probably county lines again", true,
		[]string{knowledge.RiskMissing}, "not home and county lines"},
	{"missing/airport to join fighters", "missing from care since Tuesday, last seen at the airport, friends say he wants to join the fighters in Syria", true,
		[]string{knowledge.RiskMissing, knowledge.RiskTravel}, "missing and travelling to join fighters"},
	{"missing/took a kitchen knife", "14 year old missing since this morning, mum says he took a knife from the kitchen", true,
		[]string{knowledge.RiskMissing, knowledge.RiskWeapon}, "missing and armed"},
	{"missing/has a knife on him", "he's been missing overnight and his brother says he has a knife on him", true,
		[]string{knowledge.RiskMissing, knowledge.RiskWeapon}, "missing and carrying a knife"},

	// A child in danger now.
	{"danger/in immediate danger", "child is in immediate danger, stepdad is at the door shouting", true,
		[]string{knowledge.RiskDanger}, "in immediate danger"},
	{"danger/not safe right now", "she messaged me saying she's not safe right now at home", true,
		[]string{knowledge.RiskDanger}, "not safe right now"},
	{"danger/being beaten right now", "he rang me, he's being beaten right now, what do I do", true,
		[]string{knowledge.RiskDanger}, "being beaten now"},
	{"danger/at immediate risk", "I think she is at immediate risk tonight if she goes back", true,
		[]string{knowledge.RiskDanger}, "at immediate risk"},

	// Close to the line, must not escalate.
	{"none/knife crime cce", "is knife crime part of CCE?", false, nil,
		"knife crime as a topic"},
	{"none/christchurch videos", "he watched videos about the Christchurch attack", false, nil,
		"an attack as a topic of videos"},
	{"none/school shootings obsession", "obsessed with school shootings, is that a Prevent referral?", false, nil,
		"an interest, not a plan"},
	{"none/spain half term", "going to Spain with his dad at half term, anything to worry about?", false, nil,
		"ordinary travel"},
	{"none/pakistan wedding", "family are flying to Pakistan for a wedding in the summer holidays", false, nil,
		"ordinary travel by plane"},
	{"none/abroad grandparents", "boy is going abroad to visit grandparents in Turkey at Easter", false, nil,
		"ordinary travel abroad"},
	{"none/missing twice last year", "she went missing twice last year but has been settled in placement since", false, nil,
		"past missing episodes, nothing else"},
	{"none/ran away 2024 chronology", "he ran away from home in 2024, what should go in the chronology?", false, nil,
		"a past missing episode"},
	{"none/record missing episode", "how do we record a missing episode on ValeCare?", false, nil,
		"a procedure question"},
	{"none/used to go missing with older men", "she used to go missing with older men back in 2023, what support is there for her now?", false, nil,
		"past missing episodes with exploitation, nothing current"},
	{"none/andrew tate", "boy in Y8 says he likes Andrew Tate and thinks women should stay at home", false, nil,
		"ideology without imminent risk"},
	{"none/swastikas", "he keeps drawing swastikas and says Hitler was right, is that Channel?", false, nil,
		"ideology without imminent risk"},
	{"none/prevent out of hours", "how do I make a Prevent referral out of hours?", false, nil,
		"a procedure question with 'make'"},
	{"none/strategy threshold", "what is the threshold for a strategy discussion about extremism?", false, nil,
		"a procedure question"},
	{"none/7/7 essay", "pupil wrote an essay on the 7/7 bombings for history", false, nil,
		"an attack as a school topic"},
	{"none/call of duty guns", "he plays Call of Duty a lot and talks about guns, should I be worried?", false, nil,
		"guns as a topic of talk"},
	{"none/offensive weapon indicator", "is possession of an offensive weapon a CCE indicator?", false, nil,
		"a weapon as a topic"},
	{"none/southport team meeting", "we discussed the Southport attack in the team meeting", false, nil,
		"an attack in the news"},
	{"none/knife amnesty assembly", "we've been asked to do a knife amnesty assembly, is there a resource?", false, nil,
		"knives as a topic"},
	{"none/ww2 weapons", "he's fascinated with WW2 weapons and military history", false, nil,
		"an interest in weapons"},
	{"none/brother killed in syria", "his older brother was killed fighting in Syria years ago and he talks about him a lot", false, nil,
		"a conflict in the family's past, no travel"},
	{"none/signs join extremist group", "what are the signs a young person might want to join an extremist group?", false, nil,
		"joining as a topic, no travel"},
	{"none/isis documentaries", "he watches Syria war documentaries and reads a lot about ISIS", false, nil,
		"a conflict as a topic"},
	{"none/manchester arena joke", "the Manchester Arena bombing came up in PSHE and a pupil made a joke about it", false, nil,
		"an attack in the news, 'made' with no weapon"},
	{"none/caught with knife in y7", "he was caught with a knife in Y7, he's Y10 now and doing well, does that history go on the referral?", false, nil,
		"a weapon in the past"},
	{"none/knife crime conviction", "can a child who has a knife crime conviction be referred to Channel?", false, nil,
		"a past conviction as a topic"},
	{"none/had a knife two years ago", "two years ago he had a knife at school, YOT worked with him and it's closed now", false, nil,
		"a weapon in the past, dealt with"},
	{"attack/everyone gets it", "year 9 lad told his mate friday lunch everyone in the dining hall gets it, and he's drawn the exits", true,
		[]string{knowledge.RiskAttack}, "leakage: everyone in a place, a day, the exits drawn"},
	{"danger/stamping on a boy now", "two men stomping on a lad outside the chippy right now, he's not moving", true,
		[]string{knowledge.RiskDanger}, "violence happening now"},
	{"none/stamping on leaves", "the nursery kids love stamping on the leaves in the park", false, nil,
		"play, not violence"},
	{"none/fire drill exits", "for the fire drill we drew the exits on a map of the hall", false, nil,
		"a drill, no threat"},
	{"none/travel to conflict zones duty", "can you explain what the Prevent duty says about travel to conflict zones?", false, nil,
		"travel to conflict zones as a topic"},
}

func TestScreenRisk(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range riskCases {
		t.Run(tc.name, func(t *testing.T) {
			s := kb.Screen(tc.q)
			if s.Escalate != tc.escalate || !sameKinds(s.Risks, tc.risks) {
				t.Errorf("Screen(%q): Escalate=%v Risks=%v, want Escalate=%v Risks=%v (%s)",
					tc.q, s.Escalate, s.Risks, tc.escalate, tc.risks, tc.why)
			}
		})
	}
}

func TestScreenRiskCoverage(t *testing.T) {
	// The table itself must keep covering every risk kind and both sides of
	// the line.
	pos, neg := 0, 0
	seen := map[string]bool{}
	for _, tc := range riskCases {
		if tc.escalate {
			pos++
		} else {
			neg++
		}
		for _, k := range tc.risks {
			seen[k] = true
		}
	}
	if pos < 20 || neg < 20 {
		t.Errorf("risk table has %d positive and %d negative rows, want at least 20 of each", pos, neg)
	}
	for _, k := range []string{knowledge.RiskTravel, knowledge.RiskWeapon, knowledge.RiskAttack, knowledge.RiskMissing, knowledge.RiskDanger,
		knowledge.RiskMarriage, knowledge.RiskFGM, knowledge.RiskSuicide} {
		if !seen[k] {
			t.Errorf("no risk row expects %q", k)
		}
	}
}

type personalCase struct {
	name     string
	q        string
	personal bool
	kinds    []string
	why      string
}

// Valid NHS numbers, modulus 11: multiply the first nine digits by 10, 9, ...,
// 2, sum, check = 11 - sum%11 (11 becomes 0; 10 means no valid number).
//
//	999 000 001: 9*10+9*9+9*8 + 0+0+0+0+0 + 1*2 = 90+81+72+2 = 245; 245%11 = 3; 11-3 = 8 -> 999 000 0018
//	999 765 432: 90+81+72 + 7*7+6*6+5*5+4*4+3*3+2*2 = 243+49+36+25+16+9+4 = 382; 382%11 = 8; 11-8 = 3 -> 9997654323
//	999 246 801: 243 + 2*7+4*6+6*5+8*4+0*3+1*2 = 243+14+24+30+32+0+2 = 345; 345%11 = 4; 11-4 = 7 -> 999-246-8017
//
// Invalid: 999 000 0012 (check digit should be 8), and 999 123 456x, whose
// sum 243+7+12+15+16+15+12 = 320, 320%11 = 1, 11-1 = 10, so no check digit
// makes it valid.
var personalCases = []personalCase{
	// Dates of birth, names near them, in several formats.
	{"pd/name dob slashes", "can you check Jayden Morrow DOB 14/03/2011 on ValeCare?", true,
		[]string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth}, "a full name and a DOB cue"},
	{"pd/name dotted short date", "referral for Amelia Thorncroft 3.9.10, lives at her nan's", true,
		[]string{knowledge.PDNameWithDOB}, "a full name next to a past date, no cue"},
	{"pd/born 5 jan 2010", "born 5 Jan 2010, currently in Y11, mum worried about his online contacts", true,
		[]string{knowledge.PDDateOfBirth}, "a DOB cue, no name"},
	{"pd/name born march 5th", "Leon Ashdown born March 5th 2012 is refusing school", true,
		[]string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth}, "a full name and 'born' with a month-first date"},
	{"pd/name bracketed date", "concern about Kacey Brindle (14/02/2012) in Y9", true,
		[]string{knowledge.PDNameWithDOB}, "a full name and a bracketed past date"},
	{"pd/name dob iso", "can you check if Maisie-Jo Harland (DOB 2012-11-05) has a plan", true,
		[]string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth}, "a DOB written year first, as ISO 8601"},
	{"pd/iso date alone", "review the plan on 2027-01-15 at the panel", false,
		nil, "a future date written year first, with no name or cue"},
	{"pd/dob colon", "DOB: 14/03/2011, Y10, sharing far right stickers", true,
		[]string{knowledge.PDDateOfBirth}, "a DOB cue with a colon"},
	{"pd/name dashes no cue", "Tyler Quennell 07-11-2010 has been sharing extremist memes", true,
		[]string{knowledge.PDNameWithDOB}, "a full name and a dashed past date"},
	{"pd/hyphenated surname born", "Kayden Marsh-Wilcox born 02/09/2012 keeps posting memes", true,
		[]string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth}, "a double-barrelled surname is a name"},
	{"pd/apostrophe surname no cue", "Niamh O'Riordan 11/04/2011 keeps posting memes", true,
		[]string{knowledge.PDNameWithDOB}, "a name with an apostrophe and a capital after it"},
	{"pd/d.o.b. dotted cue", "d.o.b. 22/06/2013, Y9, refusing to attend", true,
		[]string{knowledge.PDDateOfBirth}, "the cue spelled d.o.b. with a trailing dot"},
	{"pd/name d.o.b. dotted cue", "child is Oskar Lindqvist, d.o.b. 22/06/2013", true,
		[]string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth}, "a full name and the cue spelled d.o.b."},

	// Addresses and postcodes.
	{"pd/lowercase close", "the family live at 27 larkspur close, is that Wyvern Vale or next door?", true,
		[]string{knowledge.PDAddress}, "a house number and street in lower case"},
	{"pd/flat and road", "she's staying at flat 4, 19 Haddon Road", true,
		[]string{knowledge.PDAddress}, "a flat and a road"},
	{"pd/street", "he's at his uncle's, 112 Kingfisher Street", true,
		[]string{knowledge.PDAddress}, "a house number and street"},
	{"pd/postcode upper", "family moved to WV7 2QX, which locality team covers them?", true,
		[]string{knowledge.PDPostcode}, "a postcode the corpus does not publish"},
	{"pd/postcode lower", "they live in wv8 4nd now", true,
		[]string{knowledge.PDPostcode}, "a lowercase postcode"},
	{"pd/avenue and postcode", "14 thornbury avenue, wv6 1pg", true,
		[]string{knowledge.PDAddress, knowledge.PDPostcode}, "a lowercase street and postcode"},

	// Numbers that identify a person's record.
	{"pd/pupil number", "pupil no. 4471203, keeps going missing, can we do a return interview", true,
		[]string{knowledge.PDRecordNumber}, "a pupil number"},
	{"pd/upn", "UPN: H801200001001, year 10, who is his DSL?", true,
		[]string{knowledge.PDRecordNumber}, "a unique pupil number"},
	{"pd/case ref", "case ref 22/04561 - is there a Channel panel date yet?", true,
		[]string{knowledge.PDRecordNumber}, "a case reference"},
	{"pd/ni number", "dad's NI is QQ 12 34 56 C, can we check benefits?", true,
		[]string{knowledge.PDRecordNumber}, "a National Insurance number"},
	{"none/case number small", "case 12 in the training pack: what went wrong?", false, nil,
		"a number too short to be a record"},
	{"none/id badge", "lost my ID badge, who issues a new one?", false, nil,
		"an ID without a number"},

	// NHS numbers with a valid check digit.
	{"pd/nhs spaced", "NHS no 999 000 0018, is she known to CAMHS?", true,
		[]string{knowledge.PDNHSNumber}, "a valid NHS number in 3-3-4 groups"},
	{"pd/nhs unspaced", "his nhs is 9997654323 if that helps", true,
		[]string{knowledge.PDNHSNumber}, "a valid NHS number without spaces"},
	{"pd/nhs dashed", "GP gave me 999-246-8017 for him", true,
		[]string{knowledge.PDNHSNumber}, "a valid NHS number with dashes"},
	{"pd/nhs cued, check digit wrong", "her NHS # 999 000 0019, can CAMHS see her?", true,
		[]string{knowledge.PDNHSNumber}, "named as an NHS number: a mistyped one is still hers"},
	{"pd/nhs cued with is", "his nhs no is 999 000 0019 if you need it", true,
		[]string{knowledge.PDNHSNumber}, "'NHS no is' before the number"},
	{"pd/ten digits, no cue, check digit wrong", "the number is 999 000 0019 on the system", false,
		nil, "ten digits that are not a valid NHS number and not called one"},
	{"pd/case ref of ten digits", "the case ref is 999 000 0019 on the system", true,
		[]string{knowledge.PDRecordNumber}, "not an NHS number, but a case's reference: it identifies the child's record"},

	// Phone numbers the corpus does not publish, and private emails.
	{"pd/mobile", "mum's mobile is 07700 900123, can you ring her?", true,
		[]string{knowledge.PDPhone}, "a family mobile"},
	{"pd/mobile dashes", "dad is on 07700-900-321", true,
		[]string{knowledge.PDPhone}, "a mobile with dashes"},
	{"pd/+44 mobile", "text his dad on +44 7700 900456", true,
		[]string{knowledge.PDPhone}, "an international mobile"},
	{"pd/+44 (0) mobile", "nan's mobile +44 (0)7700 900789", true,
		[]string{knowledge.PDPhone}, "an international mobile with (0)"},
	{"pd/landline drama range", "the foster carers are on 01632 960 417", true,
		[]string{knowledge.PDPhone}, "a landline the corpus does not publish"},
	{"pd/private email", "mum said to contact her at tanya.morrow@homemail.example", true,
		[]string{knowledge.PDEmail}, "a family's own email"},
	{"pd/pupil email", "his snap is linked to jay.m2011@kidsmail.example", true,
		[]string{knowledge.PDEmail}, "a child's own email"},

	// Close to the line, no identifying details.
	{"none/staff name", "can I speak to Dana Whitlock about a contact?", false, nil,
		"a staff name the corpus publishes, no date"},
	{"none/dr rees", "is Dr Callum Rees in on Friday?", false, nil,
		"a staff name the corpus publishes"},
	{"none/staff name past date", "Yusuf Karimi chaired the strategy meeting on 02/11/2026", false, nil,
		"a published staff name near a meeting date"},
	{"none/bronwen hale", "Bronwen Hale said to call back on Monday", false, nil,
		"a staff name, no date"},
	{"none/mash number", "what's the MASH number, is it 01632 961 200?", false, nil,
		"the MASH's published number"},
	{"none/edt unspaced", "EDT is 01632961999 right?", false, nil,
		"the EDT's published number without spaces"},
	{"none/+44 published", "from a mobile abroad do I dial +44 1632 961 210?", false, nil,
		"a published number in international form"},
	{"none/published emails", "should I use frontdoor@wyvernvale.example or prevent@wyvernvale.example?", false, nil,
		"published emails"},
	{"none/lado email", "is lado@wyvernvale.example monitored in the holidays?", false, nil,
		"a published email"},
	{"none/channel panel venue", "Channel Panel is at WV9 1AA, which room?", false, nil,
		"a published postcode"},
	{"none/mash address", "is the MASH still at 12 Mill Lane, WV9 3LT? is there parking", false, nil,
		"a published address and postcode"},
	{"none/bad nhs checksum", "is 999 000 0012 a real NHS number?", false, nil,
		"ten digits failing the modulus 11 check"},
	{"none/nhs check digit ten", "someone wrote 9991234560 on the form", false, nil,
		"ten digits whose check digit would be 10"},
	{"none/meeting date", "strategy meeting on 14/01/2027 at 10am, who chairs?", false, nil,
		"a meeting date, no name"},
	{"none/referral sent date", "referral sent 03/11/2026, no reply yet from the MASH", false, nil,
		"a past date, no name"},
	{"none/channel panel date", "Channel Panel 10/11/2026 minutes, where are they saved?", false, nil,
		"a panel name and a past date"},
	{"none/kestrel team date", "Kestrel Team meeting 03/10/2026 was cancelled, when is the next one?", false, nil,
		"a team name and a past date"},
	{"none/age", "a 14 year old boy in Y9 watching extremist videos", false, nil,
		"an age"},
	{"none/term dates year", "term dates 2027 for Wyvern Vale schools?", false, nil,
		"a year"},
	{"none/section numbers", "does s47 apply, or is it s17?", false, nil,
		"section numbers"},
	{"none/police prevent lead", "is Joel Mensah still the Police Prevent lead?", false, nil,
		"a published staff name"},
}

func TestScreenPersonalData(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range personalCases {
		t.Run(tc.name, func(t *testing.T) {
			s := kb.Screen(tc.q)
			if s.PersonalData != tc.personal || !sameKinds(s.PersonalKinds, tc.kinds) {
				t.Errorf("Screen(%q): PersonalData=%v PersonalKinds=%v, want PersonalData=%v PersonalKinds=%v (%s)",
					tc.q, s.PersonalData, s.PersonalKinds, tc.personal, tc.kinds, tc.why)
			}
		})
	}
}

func TestScreenPersonalDataCoverage(t *testing.T) {
	pos, neg := 0, 0
	seen := map[string]bool{}
	for _, tc := range personalCases {
		if tc.personal {
			pos++
		} else {
			neg++
		}
		for _, k := range tc.kinds {
			seen[k] = true
		}
	}
	if pos < 15 || neg < 15 {
		t.Errorf("personal data table has %d positive and %d negative rows, want at least 15 of each", pos, neg)
	}
	for _, k := range []string{knowledge.PDNameWithDOB, knowledge.PDDateOfBirth, knowledge.PDAddress, knowledge.PDPostcode,
		knowledge.PDNHSNumber, knowledge.PDPhone, knowledge.PDEmail} {
		if !seen[k] {
			t.Errorf("no personal data row expects %q", k)
		}
	}
}

// TestScreenNeverEchoes checks that a Screening names categories only: none
// of its kinds carries a digit or a word of the question.
func TestScreenNeverEchoes(t *testing.T) {
	kb := mustSample(t)
	for _, tc := range personalCases {
		if !tc.personal {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			s := kb.Screen(tc.q)
			if !s.PersonalData {
				t.Fatalf("Screen(%q) found no personal data, so echoing cannot be checked", tc.q)
			}
			var words []string
			for _, w := range strings.FieldsFunc(strings.ToLower(tc.q), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if len([]rune(w)) > 3 {
					words = append(words, w)
				}
			}
			for _, k := range append(slices.Clone(s.PersonalKinds), s.Risks...) {
				if strings.ContainsFunc(k, unicode.IsDigit) {
					t.Errorf("Screen(%q): kind %q contains a digit", tc.q, k)
				}
				for _, w := range words {
					if strings.Contains(strings.ToLower(k), w) {
						t.Errorf("Screen(%q): kind %q contains %q from the question", tc.q, k, w)
					}
				}
			}
		})
	}
}

// TestScreenRiskProbe: 120 questions written to probe the risk screening
// (testdata/riskprobe: 40 immediate risks, 80 look-alikes with risky words
// used as history, policy, idiom or topic). First run: 27/40 escalated and
// 7/80 false alarms; the signals were then generalised (so the set is no
// longer blind) and the test holds what they reach: at most one risk missed
// and two false alarms. The two are kept on purpose: a joking threat, and a
// policy question naming no child ("kitchen knives into the foster home"),
// since treating questions that name no one as topics would also hide
// "Jayden has a knife, what's the policy".
func TestScreenRiskProbe(t *testing.T) {
	kb := mustSample(t)
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join("testdata", "riskprobe", name))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var missed, alarms []string
	for _, q := range read("risk.txt") {
		if !kb.Screen(q).Escalate {
			missed = append(missed, q)
		}
	}
	for _, q := range read("nonrisk.txt") {
		if kb.Screen(q).Escalate {
			alarms = append(alarms, q)
		}
	}
	if len(missed) > 1 {
		t.Errorf("%d risks not escalated, want at most 1:\n%s", len(missed), strings.Join(missed, "\n"))
	}
	if len(alarms) > 2 {
		t.Errorf("%d false alarms, want at most 2:\n%s", len(alarms), strings.Join(alarms, "\n"))
	}
}

// TestScreenRiskEdges: cases a review of the signals found on either side
// of the line: real risks said alongside a policy question, with a name or
// "they", or after the fact (an overdose taken); and everyday sentences
// with risky words (a funding cut, a toy gun, ending a relationship).
//
// Every risk must escalate. No everyday sentence may be read as a
// situation; the learned model may still raise a short one as serious
// (it judges short messages since 2026-12-03: left one group out it then
// missed 7 risks in 1,044, not 27, for 2 more false alarms in 1,530, and
// a missed risk costs more). Three of these eleven it raises; more fails.
func TestScreenRiskEdges(t *testing.T) {
	kb := mustSample(t)
	for _, q := range []string{
		"Jayden has a knife, what's the policy",
		"they have a knife in their bag, what's the procedure",
		"year 9 pupil has a knife in school, what's the procedure",
		"young person says they're going to stab someone after school, what's the procedure",
		"guidance needed - someone has brought a gun into school",
		"he said he'll kill this kid tomorrow",
		"15 yo girl has taken an overdose and is refusing to go to a&e",
		"he's stood on the bridge saying he wants to die",
		"teenager on the bridge now saying he wants to end it, police on way?",
		"he's threatening his mum with a knife right now",
		"dad is threatening to take her to Pakistan to marry",
	} {
		if s := kb.Screen(q); !s.Escalate {
			t.Errorf("Screen(%q).Escalate = false, want true", q)
		}
	}
	var raised []string
	for _, q := range []string{
		"the council will cut the funding for early help next year",
		"mum is going to cut his hair before court",
		"mum says she is going to end it with her partner",
		"can an 8 year old stay home alone for an hour",
		"the child is hurting at the moment after her nan died",
		"he's meeting his older brother after school today",
		"the 5 year old has a toy gun, should I be worried",
		"he took his knife and fork to the dining room",
		"they are going to hurt themselves on that trampoline",
		"what is the guidance on pupils bringing knives into school",
		"mum is taking him to Morocco to see his nan over Christmas",
	} {
		s := kb.Screen(q)
		if !s.Escalate {
			continue
		}
		if !slices.Equal(s.Risks, []string{knowledge.RiskSerious}) {
			t.Errorf("Screen(%q): risks %v, want no situation", q, s.Risks)
		}
		raised = append(raised, q)
	}
	if len(raised) > 3 {
		t.Errorf("%d everyday sentences raised, want at most 3:\n%s", len(raised), strings.Join(raised, "\n"))
	}
}

// TestEverydayWordsLeaveHarmAlone: the frequent-word list, taken from film
// dialogue, must not make words of harm count as everyday: for a
// practitioner they are the topic.
func TestEverydayWordsLeaveHarmAlone(t *testing.T) {
	b, err := os.ReadFile("everyday.txt")
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(string(b)) {
		words[w] = true
	}
	if len(words) < 1000 {
		t.Fatalf("everyday.txt has %d words, want the frequent-word list", len(words))
	}
	for _, w := range []string{"kill", "murder", "dead", "die", "guns", "shoot", "bomb", "hurt", "hit", "scared", "afraid",
		"suicide", "married", "wedding", "prison", "danger", "dangerous", "pregnant", "bleeding", "drunk", "fight"} {
		if words[w] {
			t.Errorf("%q is in everyday.txt: it would count less in confidence", w)
		}
	}
}
