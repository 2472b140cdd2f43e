package knowledge

import (
	"regexp"
	"strings"
)

// Risk screening looks for the situations the duty manager must hear about at
// once: travel to join a group or a conflict, a weapon or explosives at hand,
// a stated plan to attack, a missing child with another risk, a child in
// danger now or afraid to go home, a forced marriage. Each is a combination of general signals, not a list of
// questions: a weapon mentioned in passing ("is knife crime a CCE thing?") is
// not a weapon at hand, and a trip abroad is not travel to join a group.

const w = `[a-z'’]+` // one word

var (
	weaponWords = `(?:knife|knives|blade|blades|machete|machetes|sword|gun|guns|shotgun|rifle|pistol|handgun|firearm|firearms|ammo|ammunition|bullets|crossbow|acid|explosive|explosives|bomb|bombs|grenade|ied|detonator|weapon|weapons)`
	// A weapon at hand: someone has, carries, found, bought, showed or is
	// making one.
	weaponAtHandRE = regexp.MustCompile(`\b(?:has|have|had|got|gotten|carrying|carries|carry|carried|found|finding|bought|buying|ordered|showed|shown|showing|holding|hiding|hidden|stashed|keeps|brought|bringing|armed with|making|made|build|building|built|took|taken|takes|taking|grabbed|stole|stolen|nicked)\b(?:\s+` + w + `){0,5}?\s+` + weaponWords + `\b|\b(?:bomb|explosive|weapon)[\s-]?making\b|\b(?:how to|instructions (?:for|to)) (?:make|build)(?:\s+` + w + `){0,3}?\s+` + weaponWords + `\b|\b` + weaponWords + `\b(?:\s+` + w + `){0,3}?\s+in (?:his|her|their|the) (?:bag|room|pocket|locker|car|bedroom|coat|house)\b`)
	// A weapon seen or being made: a photo or video of one sent or shown,
	// or a home-made bomb, which exists only when someone made it.
	weaponSeenRE = regexp.MustCompile(`\b(?:pics?|pictures?|photos?|images?|videos?|snaps?|selfies?|screenshots?)\s+(?:of|with|showing)(?:\s+` + w + `){0,5}?\s+` + weaponWords + `\b|\b(?:home[- ]?made|diy|pipe|nail|petrol|fertili[sz]er)\s+(?:bombs?|explosives?|devices?|grenades?)\b|\bmolotovs?\b`)
	// A stated intention to attack: "going to attack", "wants to kill",
	// "shoot up the school", "make them pay", "race war".
	attackVerbs    = `(?:attack|kill|murder|stab|shoot|bomb|blow up|hurt|harm|massacre|burn down|set fire to|run over|behead)`
	attackIntentRE = regexp.MustCompile(`\b(?:going to|gonna|goin to|about to|plans? to|planning to|plotting to|wants? to|wanting to|intends? to|threaten(?:s|ed|ing)? to|will|he'?ll|she'?ll|they'?ll|i'?ll|ready to|told (?:me|us|them|a friend|friends) (?:he|she|they) would)\b(?:\s+` + w + `){0,3}?\s+` + attackVerbs + `\b|\bshoot(?:ing)? up\b|\bmake (?:them|em|people|everyone|you)(?: all)? pay\b|\brace war\b|\bkill list\b|\bhit list\b|\b(?:planning|plotting|preparing) (?:an? |the )?(?:attack|bombing|shooting|massacre)\b|\bsuicide (?:vest|bomb|attack)\b`)
	// Travel to join a group or a conflict: a travel signal and a joining
	// signal in the same sentence.
	travelRE  = regexp.MustCompile(`\b(?:fly|flying|flies|flight|flights|airport|plane|ferry|passports?|packed (?:his |her |their )?bags?|bags packed|leaving|leave|travel|travelling|traveling|heading|go(?:ing)? (?:abroad|overseas)|gone (?:abroad|overseas)|sent (?:to|abroad)|tak(?:e|es|ing) (?:him|her|them) (?:to|abroad)|taken (?:to|abroad)|border|abroad|overseas)\b`)
	joiningRE = regexp.MustCompile(`\bjoin(?:ing)?(?:\s+` + w + `){0,3}?\s+(?:fighting|fighters?|at the front|in the war)\b|\b(?:join(?:ing)? (?:isis|is|isil|daesh|al[- ]?qaeda|al[- ]?shabaab|the brothers|the brotherhood|the fight|the jihad|the caliphate|the mujahideen|them (?:out )?there|a militia|an? (?:armed|terrorist|extremist) group)\b|fighters?\b|fight(?:ing)? (?:abroad|overseas|for (?:isis|is|daesh|them|the cause|allah|god)|in (?:syria|iraq|the war))\b|jihad|mujahid|caliphate|martyr(?:dom)?|syria|iraq|afghanistan|somalia|yemen|libya|conflict zone|war zone|warzone|marry (?:a|an|one of)|be married to a|brides?\b)`)
	// Missing, with exploitation or another risk close by.
	missingRE    = regexp.MustCompile(`\b(?:missing|run away|ran away|runaway|absconded|not come home|hasn'?t come home|whereabouts unknown)\b`)
	withOthersRE = regexp.MustCompile(`\b(?:with (?:the line|a man|an older|older|the group|them|a gang)|with (?:the |some |a |an |two |three )?(?:older|adult|grown) (?:men|man|males?|lads|boys|guys|group)|meet(?:ing)? (?:a|an|some) (?:man|men|older)|groom(?:ed|ing)|county lines|exploit(?:ed|ation)|trafficked|trap ?houses?|cuckoo(?:ed|ing)?|drug (?:runs?|running|lines?|dealers?)|with (?:some |two |three )?adults|picked up by (?:a |an |some )?(?:man|men|older|adult|stranger|guy)|(?:drugs|cash|money) and (?:cash|drugs|phones?|money)|(?:new|second|burner) phones?)\b`)
	// Topics, not weapons at hand: "a knife crime conviction", "a shotgun
	// licence".
	weaponTopicRE = regexp.MustCompile(`\b(?:knife|knives|gun|guns|shotgun|firearms?|weapons?|acid) (?:crimes?|offences?|offenders?|convictions?|amnesty|awareness|charges?|licen[cs]es?|certificates?|club|range|safety)\b`)
	// History: a sentence about the past describes background, not a risk
	// now. Days and weeks ago are recent enough to stay a risk.
	pastRE = regexp.MustCompile(`\b(?:used to|history of|previous(?:ly)?|in the past|last (?:year|term|month)|(?:years?|months) ago|back in|in (?:19|20)\d\d)\b`)
	// A person the travel is about: a general question about travel to
	// conflict zones is not a child about to travel.
	personRE = regexp.MustCompile(`\b(?:he|she|they|his|her|him|them|their|theyre|hes|shes|boy|boys|girl|girls|lad|lads|son|daughter|pupil|student|child|children|kid|kids|yp|young person|brothers?|sisters?|siblings?|\d+ ?yo|\d+ ?year old)\b`)
	// A child in danger now, or too afraid to go home: a child who fears
	// going home, or has nowhere safe to sleep tonight, needs a decision
	// before tonight.
	dangerNowRE = regexp.MustCompile(`\b(?:in (?:immediate |serious )?danger|not safe (?:right )?now|being (?:hurt|beaten|attacked) (?:right )?now|at immediate risk)\b` +
		`|\b(?:scared|afraid|frightened|terrified|petrified|fear(?:s|ful)?)\s+(?:to|of)\s+(?:go(?:ing)?|be(?:ing)?|return(?:ing)?)\s+(?:back\s+)?home\b` +
		`|\b(?:too scared to|too afraid to|too frightened to)\s+go\s+(?:back\s+)?home\b` +
		`|\bnot safe (?:to go |to be |at )home\b|\bnowhere (?:safe )?to (?:sleep|stay|go) tonight\b`)
	// A threat of violence to a child at home: "dad will beat him when he
	// gets home", "she'll hit me tonight". The threat needs home or
	// tonight in the same sentence: "they'll batter them in the final" is
	// not a child at risk.
	homeThreatRE = regexp.MustCompile(`\b(?:will|'ll|ll|gonna|going to|is going to|threaten(?:s|ed|ing)? to|said (?:he|she|they)(?:'d| would))\s+(?:` + w + `\s+){0,2}?(?:beat|batter|hit|hurt|punch|kick|belt|strangle|kill|smack|whack|leather)\s+(?:him|her|them|me|the (?:child|kids?|boy|girl))\b`)
	homeNowRE    = regexp.MustCompile(`\b(?:home|tonight|after school|when (?:he|she|they|i) gets? (?:home|back|in))\b`)
	// Refusing to go home counts with a fear or harm beside it: "doesn't
	// want to go home early from the trip" is not a risk.
	refuseHomeRE = regexp.MustCompile(`\b(?:won'?t|will not|refus(?:es|ed|ing) to|doesn'?t want to|does not want to)\s+go\s+(?:back\s+)?home\b`)
	fearHarmRE   = regexp.MustCompile(`\b(?:scared|afraid|frightened|terrified|hit|hits|hurt|hurts|beat|beats|batter|abuse[sd]?|violent|unsafe|not safe|bruis\w*|kill|attack|because of (?:his|her|their|mum|dad|step\w*|the))\b`)
	// Forced marriage: a child made to marry, or taken abroad to marry.
	forcedMarriageRE = regexp.MustCompile(`\bforc(?:e|es|ed|ing)(?: (?:him|her|them|me))? (?:to marry|into (?:an? )?marriage|to (?:get|be) married)\b|\bforced (?:marriage|wedding)\b`)
	marriageRE       = regexp.MustCompile(`\b(?:marry|marries|married|marrying|marriage|wedding|bride|husband|engaged to)\b`)
)

// More signals, each general: who a sentence is about, whether it asks
// about policy rather than a child, violence happening now, a young child
// alone, exploitation close at hand, travel for a harmful practice, and a
// child about to take their own life.
var (
	// A question about policy, or a what-if, about children in general:
	// a topic only when it names no one (no pronoun, no particular child,
	// no "someone"), with children in the plural.
	policyRE = regexp.MustCompile(`\b(?:policy|policies|guidance|guidelines|procedures?|protocols?|rules?|laws?|legal(?:ly)?|allowed|permitted|what happens if|what (?:do|should|would) (?:we|i|staff|you) do if)\b`)
	// A question about the law (a sentence, a penalty, whether something
	// is an offence) that names no one at all is a topic too: "what is
	// the max sentence for carrying a knife".
	lawRE     = regexp.MustCompile(`\b(?:sentences?|sentencing|penalty|penalties|punishments?|illegal|against the law|offences?|offenses?|prosecut\w*|jail|prison)\b`)
	genericRE = regexp.MustCompile(`\b(?:children|kids|pupils|students|young people|teenagers|adolescents|minors|learners|boys|girls|under[- ]?18s)\b`)
	namedRE   = regexp.MustCompile(`\b(?:he|she|hes|shes|his|her|him|they|them|their|theyre|someone|somebody|i|me|my|we|our|you|your)\b|\b(?:a|an|the|this|that|one|year \d+|y\d+)\s+(?:\w+\s+)?(?:lad|boy|girl|son|daughter|pupil|student|yp|young person|child|kid|client|teen|teenager|brother|sister|baby|toddler|man|woman|person|parent|mum|dad)\b|\b\d+ ?(?:yo|yr|year)`)
	// A drawing is not a photo.
	drawingRE = regexp.MustCompile(`\b(?:drew|draws|drawing|drawn|draw|sketch(?:ed|es|ing)?|doodl\w*|cartoon)\b`)
	// Attack signals strong enough without a person named: "shoot up the
	// school", "a kill list", "planning an attack".
	strongAttackRE = regexp.MustCompile(`\bshoot(?:ing)? up\b|\brace war\b|\bkill list\b|\bhit list\b|\b(?:planning|plotting|preparing) (?:an? |the )?(?:attack|bombing|shooting|massacre)\b|\bsuicide (?:vest|bomb|attack)\b`)
	// Idioms: "kill it on stage", "killing it".
	idiomRE = regexp.MustCompile(`\b(?:kill(?:ing|ed|s)?|smash(?:ing|ed)?) it\b`)
	// Harm to oneself is not an attack on others: "going to kill himself"
	// is the suicide signal's, "hurt themselves on that trampoline" no one's.
	reflexiveRE = regexp.MustCompile(`\b(?:kill|hurt|harm|cut|stab|shoot) (?:him|her|them|my|your|our)sel(?:f|ves)\b`)
	// Not weapons: a toy gun, a knife and fork.
	notWeaponRE = regexp.MustCompile(`\b(?:toy|nerf|water|cap|foam|plastic|pretend) (?:guns?|pistols?|swords?|rifles?|knives|knife)\b|\b(?:knife|knives) and forks?\b|\bcutlery\b|\bbutter knife\b`)
	// Threatening someone with a weapon, or showing one: at hand.
	threatWithRE = regexp.MustCompile(`\b(?:threaten(?:s|ed|ing)?|waving|waved|brandish(?:es|ed|ing)?|pull(?:s|ed|ing)? (?:out )?|point(?:s|ed|ing)?)(?:\s+` + w + `){0,4}?\s+(?:with )?(?:a |an |his |her |their |the )?` + weaponWords + `\b`)
	// Weapons used as verbs: "going to knife him", "shank them".
	weaponVerbRE = regexp.MustCompile(`\b(?:going to|gonna|will|'ll|wants? to|plans? to|about to|threaten(?:s|ed|ing)? to)\s+(?:` + w + `\s+){0,2}?(?:knife|shank|blade|stab|jook|merk|glass) (?:him|her|them|someone|somebody|the|a|an|his|her|that)\b`)
	// Violence happening now, where a child is.
	violenceNowRE = regexp.MustCompile(`\b(?:hitting|beating|battering|attacking|strangling|punching|kicking|stabbing|throttling|assaulting)\b`)
	nowRE         = regexp.MustCompile(`\b(?:right now|now|at the moment|currently|as we speak|tonight|this evening|in the house|at home)\b`)
	// A young child alone, or wandering.
	youngChildRE  = regexp.MustCompile(`\b(?:baby|babies|toddler|toddlers|infant|newborn|[1-8] ?(?:yo|yr old|yrs old|year old|years old)|(?:one|two|three|four|five|six|seven|eight)[- ]year[- ]old)\b`)
	ageQuestionRE = regexp.MustCompile(`\b(?:can an?|is it (?:ok|okay|legal|allowed|safe) (?:for|to)|how old|what age|at what age|old enough)\b`)
	aloneRE       = regexp.MustCompile(`\b(?:alone|on (?:his|her|their) own|by (?:him|her|them)sel(?:f|ves)|unsupervised|unattended|wandering|nobody (?:with|looking after) (?:him|her|them))\b`)
	// Exploitation close at hand: being held, a call for help, meeting an
	// adult now.
	heldRE       = regexp.MustCompile(`\b(?:being held|held (?:at|in|against)|(?:being )?kept (?:locked|prisoner|captive)|kept (?:him|her|them) (?:at|in)|locked in|can'?t leave|won'?t let (?:him|her|them) (?:leave|go)|asking for help|begging (?:me|us) to|sent (?:me|us) a (?:text|message) (?:saying|asking) (?:help|come))\b`)
	meetingNowRE = regexp.MustCompile(`\b(?:meet(?:ing)?|going to meet|picked up by|getting (?:in|into) a car with|in a car with)\s+(?:(?:a|an|some|the|two|three)\s+)?(?:man|men|older (?:man|men|males?|guys?|lads?|boys?)|adult (?:man|men|males?)|adults|stranger|strangers|someone (?:he|she|they) met online|(?:a |an )?(?:guy|man|boy|girl|person) (?:he|she|they) met online|guys?)\b`)
	soonRE       = regexp.MustCompile(`\b(?:tonight|now|right now|in an hour|in (?:\d+|a few|ten|twenty|thirty) (?:mins?|minutes|hours?)|this (?:afternoon|evening)|today|after school|later)\b`)
	// Travel for a harmful practice: FGM.
	fgmRE = regexp.MustCompile(`\b(?:fgm|female genital|cut(?:ting)?|circumcis\w*|sunna)\b`)
	// A child about to take their own life.
	suicideRE = regexp.MustCompile(`\b(?:kill (?:him|her|them|my)sel(?:f|ves)|end it all|end (?:his|her|their|my) (?:own )?life|take (?:his|her|their|my) (?:own )?life|suicid(?:e|al)|overdos(?:e|ing)|hang (?:him|her|them)sel(?:f|ves)|jump (?:off|from|in front of)|wants? to die|want(?:s|ed)? to be dead|doesn'?t want to (?:live|be alive|be here any ?more))\b|\bend it(?: now| tonight| today)?(?:\s*[,.!?]|\s*$)`)
	// An attempt already made is an emergency now.
	suicideActRE = regexp.MustCompile(`\b(?:taken an overdose|has overdosed|overdosed|taken (?:\d+|a lot of|loads of|lots of|a handful of|a bunch of|all (?:her|his|their|the)) (?:paracetamol|pills|tablets|painkillers|meds|medication)|cut (?:his|her|their|my) (?:wrists?|throat)|is bleeding (?:badly|heavily|a lot)|tried to (?:hang|kill) (?:him|her|them)sel(?:f|ves))\b`)
	suicideNowRE = regexp.MustCompile(`\b(?:now|right now|tonight|about to|going to|gonna|wants? to|plans? to|planning|threaten(?:s|ed|ing)?|saying|says|said|note|on the (?:bridge|roof|ledge|railway|tracks|edge))\b`)
)

var sentenceRE = regexp.MustCompile(`[.!?;\n]+`)

// droppedG restores the g chat drops from the verbs the signals look for
// ("carryin a blade", "goin to"); other words ending in -in ("cousin") are
// left alone.
var droppedG = regexp.MustCompile(`\b(carry|go|com|say|try|hid|hold|plann|plott|threaten|hitt|beat|stabb|shoot|bring|mak|build|meet|fight|join|travell|fly|leav|head|kill|hurt|runn|keep|gett|tak|send|sitt|wav|pull)in'?([^a-z']|$)`)

func normaliseForRisk(text string) string {
	r := strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`)
	return droppedG.ReplaceAllString(strings.ToLower(r.Replace(text)), "${1}ing$2")
}

// risks returns the kinds of immediate or serious risk described in text.
// Each sentence is judged on its own, and sentences about the past are
// background, not risk.
// text is already normalised (riskText), so it is not done again here.
func risks(text string) []string {
	var out []string
	add := func(k string) {
		for _, x := range out {
			if x == k {
				return
			}
		}
		out = append(out, k)
	}
	t := weaponTopicRE.ReplaceAllString(text, "")
	var missing, withOthers, joining bool
	for _, s := range sentenceRE.Split(t, -1) {
		if pastRE.MatchString(s) {
			continue
		}
		person := personRE.MatchString(s)
		// A policy question about children in general, naming no one, is
		// a topic: "what is the guidance on pupils bringing knives".
		general := (policyRE.MatchString(s) && genericRE.MatchString(s) || lawRE.MatchString(s) && !person) && !namedRE.MatchString(s)
		sw := notWeaponRE.ReplaceAllString(s, "")
		// A weapon seen needs someone it is about: "pictures of weapons"
		// alone is a topic, and a drawing of one is not a photo.
		seen := weaponSeenRE.MatchString(sw) && person && !drawingRE.MatchString(sw)
		if !general && (weaponAtHandRE.MatchString(sw) || seen || threatWithRE.MatchString(sw)) {
			add(RiskWeapon)
		}
		sa := reflexiveRE.ReplaceAllString(idiomRE.ReplaceAllString(s, ""), "")
		if !general && ((attackIntentRE.MatchString(sa) && person) || weaponVerbRE.MatchString(sa) || strongAttackRE.MatchString(sa)) {
			add(RiskAttack)
		}
		if dangerNowRE.MatchString(s) || (homeThreatRE.MatchString(s) && homeNowRE.MatchString(s)) ||
			(refuseHomeRE.MatchString(s) && fearHarmRE.MatchString(s)) ||
			(violenceNowRE.MatchString(s) && nowRE.MatchString(s)) ||
			(youngChildRE.MatchString(s) && aloneRE.MatchString(s) && !ageQuestionRE.MatchString(s)) ||
			(heldRE.MatchString(s) && person) || (meetingNowRE.MatchString(s) && soonRE.MatchString(s)) {
			add(RiskDanger)
		}
		if person && !general && (suicideActRE.MatchString(s) || (suicideRE.MatchString(s) && suicideNowRE.MatchString(s))) {
			add(RiskSuicide)
		}
		j := joiningRE.MatchString(s)
		travel := travelRE.MatchString(s)
		if travel && j && person {
			add(RiskTravel)
		}
		// Travel to marry into a group is travel to join it (above).
		if !j && person && (forcedMarriageRE.MatchString(s) || (travel && marriageRE.MatchString(s))) {
			add(RiskMarriage)
		}
		if person && travel && fgmRE.MatchString(s) {
			add(RiskFGM)
		}
		missing = missing || missingRE.MatchString(s)
		withOthers = withOthers || withOthersRE.MatchString(s)
		joining = joining || j
	}
	if missing && (withOthers || joining || len(out) > 0) {
		add(RiskMissing)
	}
	return out
}
