package knowledge

import (
	"regexp"
	"slices"
	"strings"
)

// Risk screening by situation. Each situation the duty manager must hear
// about at once is recognised from several kinds of signal, each a broad
// class rather than a list of phrasings: what is at stake (a cause to join,
// a weapon, a target, explosive materials, an adult met online, a marriage,
// cutting, an end to a life, harm in the home), intent or a plan, a time
// soon or now, and someone it is about. A question framed as a story, the
// news, training, a general question or the past is a look-alike; an idiom
// ("blow up my phone") is read as one. Where the signals disagree the
// screener errs towards escalating: a missed risk is worse than a false
// alarm.

// signal compiles an alternation of patterns as whole words.
func signal(parts ...string) *regexp.Regexp {
	return regexp.MustCompile(`\b(?:` + strings.Join(parts, `|`) + `)\b`)
}

var (
	// Someone particular: a pronoun, an age, a relation, a role.
	whoSig = signal(`he|she|they|him|her|them|his|hers|their|i|me|my`, `\d{1,2} ?(?:yo|y/o|yrs?|years?(?: old)?|m|f)`,
		`\(\d{1,2}\)`, `\d{1,2} ?yos?`, `pt`, `yps?`, `child|children|kids?|boys?|girls?|lads?|lass|teens?|teenagers?|sons?|daughters?|brothers?|bro|sisters?|sis|cousins?|niece|nephew|bab(?:y|ies)|toddlers?|infant`, `mum|dad|mother|father|parents?|carer|stepdad|stepmum`,
		`nan|nana|gran|grandma|grandmother|aunt|auntie|uncle|family|fam|pupil|student|client|sixth former|year \d+|y\d+|foster (?:child|kid)|looked after child`)
	// Intent or a plan.
	intentSig = signal(`going to|gonna|goin to|will|'ll|plans?|planning|planned|plotting|intends?|intent|intention|wants? to|about to|ready|nearly ready|preparing|prepared|booked|arranged|sorted|organised|promised`,
		`leaves|leaving|is getting|is taking|is going|is coming|are taking|are sending|sending|taking (?:her|him|them)|is meeting|meeting|to meet|picking (?:him|her|them|me) up`,
		`asking (?:round|around|about|for|where|how)|looking (?:to buy|for)|searching|searches|researching|how to (?:make|get|buy|build)|where to (?:buy|get)`,
		`threaten(?:s|ed|ing)?|says? (?:he|she|they)(?:'s|'ll| is| will| are)|told (?:me|us|her|him|his|a|the|them)\w*|hinting|posted|posting`)
	// A time soon, or now.
	soonSig = signal(`half[- ]term|easter|eid|ramadan|diwali|christmas|summer holidays|the hols|now|right now|rn|as we speak|at the moment|currently|tonight|tonite|today|tomorrow|tmrw|this (?:morning|afternoon|evening|weekend|week|month|term|summer|half[- ]term)`,
		`next (?:week|month|weekend|term|\w+day)|(?:on |this |by |until |after )?(?:mon|tues|wednes|thurs|fri|satur|sun)day`, `the (?:\d{1,2})(?:st|nd|rd|th)`, `on the \d+`,
		`after (?:school|college|clinic|prayers|the mocks|the weekend|mum goes to bed|dinner|lunch|tea|break|registration)`, `(?:at|over) the weekend`, `in (?:\d+|a few|two|three|ten|twenty) (?:mins?|minutes|hours?|days|weeks)`,
		`over (?:easter|half[- ]term|the summer|summer|the hols|the holidays|christmas)|in the (?:hols|holidays|summer)|soon|just|already`,
		`when (?:they|we|she|he) (?:go|visit|get|fly|travel)|early flight|overnight`, `(?:\d+|one|two|three|four|five) (?:days?|sleeps|hours?) (?:left|to go)|since (?:dinner|lunch|tea|breakfast|this morning|last night|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|first thing`)
	// A time soon enough that a story about the past is news now: not a
	// bare "now" ("he's 22 now").
	urgentSig = signal(`still (?:standing|parked|waiting|outside|there)|right now|as we speak|tonight|tonite|today|tomorrow|tmrw|this (?:morning|afternoon|evening|weekend|week)|next (?:week|weekend|\w+day)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|after school|in (?:\d+|a few|two|ten|twenty) (?:mins?|minutes|hours?|days)`)
	// A cause or group to join, or a war.
	causeSig = signal(`join(?:ing|ed|s)? (?:the |a |an |up with )?(?:group|fight|fighters|brothers|sisters|cause|militia|them (?:out )?there|isis|is|daesh|jihad|caliphate|war|movement)`, `join(?:ing)? (?:them|those|that) (?:lot|lads|guys|people|crew)`, `fight(?:ing|er|ers)?|front ?line|militia|war|warzone|conflict|jihad|caliphate|mujahid\w*|martyr\w*`,
		`isis|isil|daesh|join(?:ing)? is|al[- ]?qaeda|al[- ]?shabaab|the (?:brothers|sisters|group|cause|movement|brotherhood)|extremist|terrorist|far[- ]right|neo[- ]?nazi`,
		`recruit\w*|camp|training camp|wife for a|hijrah|syria|iraq|afghanistan|yemen|libya|raqqa|idlib|conflict zone|war zone|warzone|is (?:vids|videos|propaganda|fighters)|(?:brothers|sisters) (?:over|out) there`)
	// Leaving for it.
	travelSig = signal(`fly|flying|flies|flight|flights|plane|airport|heathrow|gatwick|stansted|luton|ticket|tickets|coach|train|ferry|overland|crossing|border|passport`,
		`hijrah|leav(?:e|es|ing)|heading|travel\w*|sent|sending|taking (?:her|him|them)|on holiday|holiday|trip|going (?:to|abroad|overseas)|off to|gone (?:to|abroad)|packed|bag|abroad|overseas|won'?t be (?:coming|back)|will not be (?:coming )?back|not coming back|one[- ]way|living under`,
		`syria|iraq|turkey|istanbul|ukraine|afghanistan|somalia|yemen|libya|mali|sudan|pakistan|over there|the other side`)
	// Leaving in secret, or for good: a child going like this is at risk
	// whatever the cause.
	secretSig = signal(`two phones|second phone|spare phone|(?:wont|won'?t|will not|never) come back|one[- ]way|burner|(?:so )?nothing shows|least watched|without (?:his|her|their) (?:parents|mum|dad|family) knowing|(?:parents|mum|dad|family) (?:don'?t|do not|doesn'?t|does not) know|not to (?:wait up|tell)|not coming back|won'?t be (?:coming )?back|(?:see|meet) (?:him|her|them|you|me) on the other side|new passport|sold (?:his|her|their) (?:\w+ )?(?:ps\d|xbox|phone|stuff|things|bike)|withdr[ae]wn? (?:all )?(?:of )?(?:his|her|their) (?:savings|money)|in cash`)
	// A weapon, or something used as one.
	weaponSig = signal(`scalpel|razor|razor blade|stanley knife|box cutter|broken glass|shard|drain cleaner|oven cleaner|corrosive|knife|knives|blade|blades|machete|machetes|screwdriver|sharpen\w*|hammer|sword|axe|hatchet|gun|guns|shotgun|rifle|pistol|handgun|firearm|strap|piece|crossbow|bow and arrows?|acid|ammonia|bleach|bat|bats|baseball bat|knuckle ?duster|taser|stun gun|weapon|weapons|3d[- ]print\w*`)
	// Harm meant to someone.
	harmSig = signal(`stab(?:s|bed|bing)?|use it (?:when|if|as soon as)|waiting for (?:a |the |that |some )?(?:\w+ )?(?:lad|boy|girl|man|kid|guy|bloke|someone)|knows? who (?:it'?s|its|it is) for|(?:got|has|have) something (?:in the car )?for|(?:he'?s|she'?s|they'?re|is|are) getting it|deal with (?:him|her|them|the)|won'?t be walking|kill|murder|stab|shank|jook|shoot|shot|hurt|harm|slash|ruin (?:his|her|their) face|scar (?:him|her|them)|mess (?:his|her|their) face up|cut (?:him|her|them|someone)|throw it (?:at|in)|use it (?:on|at)|attack|batter|beat|smash|do (?:him|her|them|someone|one of)|sort (?:him|her|them|someone) out|get (?:him|her|them)|teach (?:him|her|them) a lesson|make (?:them|him|her|everyone)(?: all)? pay|won'?t be around|for the (?:teachers?|people|lads?|ones) who|named|revenge|payback|one of the other lot|wet (?:him|her|them|someone) up|threats? (?:to|against)|threaten\w*|see (?:him|her|them) at|for the (?:lad|boy|girl|man) who|grass\w*|use it on`)
	// An attack, and what it is on.
	attackSig = signal(`(?:will|'ll|gonna|going to) (?:burn|torch)|burn (?:it|the \w+) down|set fire to|torch (?:the|it)|arson|attack|bomb|bombing|ride out|do an? (?:columbine|christchurch)|livestream|petrol|finish (?:him|her|them|the \w+)|(?:they'?ll|they will) all see|kill list|hit list|list of names|shoot(?:ing)? up|shooting|massacre|bloodbath|blow (?:up|it up)|drive (?:his |her |a |the )?\w* ?into|driving (?:his |her |a |the )?\w* ?into|run (?:people )?over|hit the|jump (?:a|the|him|her)|kill (?:everyone|them all|people)|it'?s happening|don'?t come in|stay away from`)
	// Reconnaissance and leakage: looking over a place, its exits and
	// guards, a countdown or a list of names, a promise of damage.
	reconSig = signal(`(?:drew|drawn|drawing|sketched|mapped|marked) (?:out )?(?:the |all the |where the )?(?:doors|exits|entrances|fire exits|layout|cameras)|everyone (?:in|at) (?:the )?\w+(?: \w+)? (?:gets it|is getting it|will get it|gonna get it|going to get it|dies|is dead)|(?:the )?times of (?:the )?\w+ (?:service|prayers|match|assembly|mass)|layout|floor ?plan|(?:plan|map|drawing|diagram) of (?:the )?\w+|which (?:doors?|exits?|fire doors?|entrances?|gates?)|(?:doors?|exits?|gates?) (?:\w+ ){0,2}(?:unlocked|chained|locked|open)|(?:change|swap)s? (?:shifts?|over)|shift change|when (?:the )?(?:police|polis|security|guards?) |countdown|(?:\d+|one|two|three|four|five) (?:days?|sleeps) (?:left|to go)|names of (?:the )?|by name|kill list|maximum damage|make (?:the )?news|(?:nobody|no one|no-one)'?s? (?:is )?(?:leaving|getting out)|bring (?:something|a surprise)|(?:they|you)'?(?:ll| will) (?:all )?(?:see|remember|mind|never forget)`)
	// A threat to someone, in so many words.
	threatSig = signal(`(?:got|has|have|bringing|brought|taking) something (?:in the car |in (?:his|her|my|the) bag |on (?:him|her) )?for (?:her|him|them|you|the)|take out (?:the|that|this|my|his|her|their) (?:\w+ )?(?:worker|teacher|judge|police|officer|copper|manager|head|headteacher|doctor|nurse|ex|boss|neighbour|imam|vicar|staff|kids|children|pupils|class)|knows? who (?:it'?s|its|it is) for|(?:i'?m|i am|we'?re|we are) coming (?:in|for|to get)|won'?t be walking|gets? what'?s coming|(?:will|'ll) (?:regret|pay for) (?:it|this)|watch (?:your|his|her) back|(?:do not|don'?t) come (?:in|to school)`)
	targetSig = signal(`hall|exams?|mocks|clubhouse|club|gym|square|park|carnival|storytime|library|reception|doctor|surgery|school|college|academy|canteen|assembly|class|mosque|church|synagogue|temple|gurdwara|march|pride|parade|rally|protest|crowd|market|festival|concert|gig|match|stadium|event|celebration|eid|prayers|shopping centre|station|council offices|teacher|teachers|staff|gates`)
	// Explosive materials, or making them.
	explosiveSig = signal(`timer|(?:home ?made|made|built|making|building) (?:a |an )?(?:\w+ )?device|device (?:he|she|they)(?:'?s| has| have)? (?:made|built|making|building)|oxidi[sz]ers?|thermite|chlorate|take out (?:a|the) (?:door|wall|car|building)|explosives?|bombs?|home[- ]?made devices?|tatp|ammonium nitrate|nitrate|weedkiller|sugar|chemical|ied|detonator|fuse|tnt|gunpowder|black powder|fertili[sz]er|nails|ball bearings|pressure cooker|peroxide|acetone|chemicals|powder|pipe bomb|pipe|gas canisters?|propane|wiring|fireworks?|bang|crater|test (?:blast|explosion)`)
	makingSig    = signal(`receipt|parcel|batch|deliver\w*|manifesto|lab|stockpile|has|have|got|making|make|made|building|build|mixing|buying|bought|ordered|storing|stored|keeps|collect\w*|stockpil\w*|emptying|filled|hidden|hiding|found|nearly ready|ready|test\w*|real one|something|big one`)
	// An adult met online, and meeting or being with them.
	onlineSig  = signal(`(?:different|older) (?:to|from|than) (?:your|his|her) (?:pictures|photos|pics|profile)|facetime|video call\w*|gamin|gamer|messag\w*|dms?|chatting|online|snapchat|snap|discord|tiktok|instagram|insta|telegram|whatsapp|roblox|fortnite|xbox|playstation|gaming|game|server|app|website|chat ?room|met on|met online|from the internet`)
	adultSig   = signal(`(?:not|don'?t) (?:to )?tell (?:his |her |their )?(?:parents|mum|dad|anyone)|delete (?:the|his|her) (?:chats|messages)|keep it (?:a )?secret|our (?:little )?secret|the person (?:she'?s|he'?s|they'?re|she is|he is) (?:chatting|talking|messaging)|man|men|bloke|guy|fella|fellow|grown[- ]up|adult|older|(?:he'?s|hes|he is|who'?s|aged|age|like|about) (?:1[89]|[2-9]\d)|, (?:1[89]|[2-9]\d)\b|(?:1[89]|[2-9]\d)[- ]?(?:year[- ]old|yo|y/o)|\((?:1[89]|[2-9]\d)\)|boyfriend|girlfriend|boyfriend|girlfriend|bf|gf|online (?:friend|mate)|(?:friend|mate) (?:from|off|on) (?:\w+ )?(?:online|snap|snapchat|tiktok|insta|instagram|discord|roblox|fortnite|xbox|the game|a game|the internet)|(?:new|older|secret) (?:friend|mate|boyfriend|girlfriend)|gam(?:ing|in) mate|stranger|someone|somebody|a mate`)
	withSig    = signal(`in (?:the|her|his|my) (?:room|bedroom|house|flat)|(?:won'?t|will not|wont) leave|(?:be|wait(?:ing)?) at the end of the road|in (?:the|a|his) (?:black |white |silver |red |blue )?(?:car|audi|bmw|van|merc)|pick (?:u|you|me) up|hotel|booking|sleepover|stay(?:ing)? over|meet|meeting|met up|gone to|went to|going to|getting the|coach to|train to|picking (?:him|her|them|me|you|u) up|pick (?:him|her|them) up|bunk(?:ing)?(?: off)?|skiv(?:e|ing)|waiting|in (?:a|his|the) car|got in|at (?:a|his|the) (?:flat|hotel|house|party)|with (?:a|the|him|an)|stay(?:ing)? with|hasn'?t (?:been|come) home|not (?:been|come) home|missing|run away|ran away|won'?t say where|phone (?:has been |is )?off|location`)
	notHomeSig = signal(`abscond\w*|climbed out|(?:via|through|out of) (?:the |her |his )?(?:bedroom )?window|not home|no come hame|(?:been )?gone since|left (?:her |his |the )?(?:foster )?(?:placement|home|house)|took an? (?:overnight )?bag|run off|not back|isn'?t back|didn'?t (?:come home|return)|not returned|hasn'?t returned|not (?:been|come) home|hasn'?t (?:been|come) home|won'?t say where|phone (?:has been |is )?off`)
	// Someone known only online.
	metOnlineSig = signal(`met (?:on|online|through|via) |(?:from|off|on) (?:a|the) (?:game|app|server)|(?:been )?(?:messaging|chatting (?:to|with)|talking to) (?:a|an|some|this|the)`)
	// Missing, or with the adult, now.
	presentSig = signal(`(?:waiting|parked|sat|sitting|standing) (?:\w+ )?(?:outside|out there|out front)|(?:'s|is|are|'re) (?:\w+ )?(?:outside|downstairs|at the (?:door|gates?))|still (?:parked|there|outside|waiting|here|standing)|there'?s (?:a|an) (?:man|men|adult|girl|boy|child)|in the car park|not home|no come hame|(?:been )?gone since|not back|isn'?t back|didn'?t (?:come home|return)|not (?:been|come) home|hasn'?t (?:been|come) home|missing|is (?:at|with|in) |won'?t say where|location shows|phone (?:has been |is )?off|right now|now`)
	// Marriage, and being made to.
	marriageSig = signal(`promised me to|promised to|betrothed|wifed up|marr(?:y|ies|ied|ying|iage)|wedding|nikah|engagement|engaged|husband|wife|bride|groom|promised (?:her|him) to|rishta|proposal`)
	forcedSig   = signal(`forc\w*|pressur\w*|pushed|made to|has to|made her|made him|terrified|scared|frightened|crying|in tears|doesn'?t (?:want|understand)|does not (?:want|understand)|won'?t let|or (?:he'?s|she'?s) out|kept off school|\d{2}[- ]?year[- ]old man|older man|promised|taken (?:her|his) passport|asking (?:us|me) to help|help her|disown\w*|refus\w*|said no|fixed (?:her|his)|shipping (?:him|her)|wifed up|holding (?:his|her) passport|(?:taken|took) (?:her|his) (?:phone|passport)|(?:won'?t|will not) be allowed|not allowed out|marrying (?:her|him) to`)
	// The child's own marriage, not a relative's wedding.
	marriageSelfSig = signal(`promised me to|(?:be|been|is|was|she'?s|he'?s) (?:\w+ )?promised to|betrothed|(?:to|be|get|getting) (?:married|marry)|marry (?:her|him|a|an|his|her)|(?:her|his) (?:marriage|wedding|engagement|nikah)|nikah|engaged to|an engagement|promised (?:her|him) to|husband for|wife for|rishta|find (?:her|him) a (?:husband|wife)|to marry|marrying (?:her|him)|wifed up|(?:her|his) rishta`)
	// Cutting, by any name.
	// Cut or cutting alone is self-harm as often: it counts for FGM with
	// travel, or as "to be cut".
	weakCutSig  = signal(`cut|cutting`)
	toBeCutSig  = signal(`(?:having|have|get|getting|had|do|doing) the cut|(?:be|get|getting|been) cut|cut (?:her|them|the girls?)`)
	selfHarmSig = signal(`self[- ]harm\w*|cut(?:ting|s)? (?:her|his|their|my)(?:self| own)? ?(?:arms?|legs?|wrists?|thighs?|stomach)|after cutting`)
	cuttingSig  = signal(`(?:be|get|got|to be) cleaned|cleaned like|make (?:me|her|them) clean|do the (?:\w+ )?girls|fgm|female genital|circumcis\w*|sunna|purif\w*|khitan|khatna|tahara|become a woman|special (?:ceremony|celebration|trip|procedure)|made clean|be clean|see to|do the girls|getting (?:her|them) (?:ready|done)|get (?:her|them) done|be brave|it hurts|the way it was done|her cousins all had it|initiation`)
	// A rite named by its occasion: cutting only with a cut or a journey.
	riteSig = signal(`the tradition|(?:a|the) (?:woman|lady) (?:is )?coming|coming (?:over )?(?:from \w+ )?to do|down there|(?:do|does|doing|have|having|get|getting) the procedure|(?:like|as|the way) (?:we|they) do (?:it )?back home|the woman (?:from|who)|the cutting|(?:have|having|get|getting) it done|(?:women'?s|special|big) (?:party|ceremony|celebration)|(?:become|becomes|becoming) a (?:big girl|woman)|make (?:me|her|them|the girls?) (?:clean|quiet|pure)|ceremony|(?:a )?proper (?:girl|woman)|it'?s her time|the lady (?:from|who)|cutter|the elders`)
	// A boy's circumcision is not FGM.
	maleCutSig = signal(`male circumcision|(?:boy|son)'?s? (?:\w+ )?(?:cutting|circumcision)|brit milah|bris`)
	girlSig    = signal(`girl|girls|daughter|daughters|sister|sisters|niece|she|her|\d{1,2} ?(?:yo|f)|year \d|y\d|\d+-year-old|aged (?:\d+|six|seven|eight|nine|ten)`)
	// An end to a life, and its means, place or time.
	suicideSig = signal(`(?:won'?t|wont|will not) (?:be )?need(?:ing)? (?:one|a return|a ticket|it|them) back|(?:you )?(?:have|keep) (?:them|it|these),? i (?:won'?t|wont|will not) need|take (?:everything|all|all of it) (?:in|from) the (?:medicine|bathroom) (?:cupboard|cabinet)|medicine (?:cupboard|cabinet)|the plan:|this is my last|sorry for everything|(?:it'?s|its) not (?:your|ur|u r) fault|(?:you|u) were the only one|(?:sat|sitting|standing|stood) on (?:the )?(?:top|roof|edge|ledge)|multi[- ]?stor(?:e)?y|top of the (?:multi|car park|bridge|building|flats)|(?:would|will|could|can) (?:\w+ ){0,4}take (?:\w+ ){0,3}weight|deleted (?:all )?(?:of )?(?:her|his|their) (?:socials|social media|accounts)|suicid\w*|stockpil\w*|take them all|kill (?:him|her|them|my)sel(?:f|ves)|tonight'?s the night|tonight is the night|(?:can ?not|can'?t) (?:do this|go on|take (?:it|this))(?: any ?more)?|sat on the (?:rail|railings|edge|ledge)|end (?:it all|his life|her life|their life|my life|things)|end it(?: tonight| now| today)?(?:[.,!?]|$)|take (?:his|her|their|my) (?:own )?life|want(?:s|ed)? to die|better off dead|overdose|od|tablets|pills|paracetamol|co-codamol|meds|medication|rope|noose|ligature|jump|bridge|railway|train|tracks|cliff|roof|goodbye|letters|won'?t (?:be (?:here|around)|wake up)|last time you'?ll|only way out|giving away|gave away|given away|which train|picked a date|no point|can'?t go on|cut (?:his|her|their) (?:wrists?|throat)`)
	// Said outright, suicidal intent is enough with no time or means.
	suicidalSig     = signal(`suicidal|wants? to die|want(?:s|ed)? to be dead|wants? to kill (?:him|her|them)sel(?:f|ves)|going to kill (?:him|her|them)sel(?:f|ves)|end (?:his|her|their) (?:own )?life|take (?:his|her|their) (?:own )?life|better off dead`)
	suicideMeansSig = signal(`handed (?:me|us|her|him) (?:his|her|their) |everything|medicine|woods|sorry for everything|phones? (?:is |has been )?off|top of|multi[- ]?stor(?:e)?y|weight|locks? from the inside|deleted (?:all )?(?:of )?(?:her|his|their) (?:socials|social media|accounts)|saved|saving|stockpil\w*|hoard\w*|collected|taking them all|all of them|how many|which train|picked a date|chosen|letters|goodbye|rope|noose|bridge|railway|station|cliff|roof|edge|tonight|tonite|weekend|after|when the next|now|right now|at the|giving away|given (?:away|her|his)|gave away|last time`)
	// Harm in the home, now.
	harmNowSig = signal(`locked (?:\w+ ){1,5}in (?:the|a|his|her|their) (?:bedroom|room|cupboard|shed|house|flat)|(?:with|and|there'?s) no food|locked (?:in )?(?:a |the )?car|(?:left|alone|strapped) in (?:a|the) (?:hot |locked )?car|no (?:adult|grown[- ]?up|parent)s? (?:around|about|in sight|with (?:him|her|them))|(?:turned|turns|shown|showed) up (?:\w+ ){0,4}(?:drunk|high|off (?:his|her) face|kicking off|shouting|with a)|court order against|(?:is|'s|are|'re) taking (?:his|her|their|the) (?:son|daughter|kids|children|baby|boy|girl)|trying to (?:take|snatch|grab|leave with) (?:the|his|her|their)|grab(?:bed|s|bing)? (?:him|her|them|the \w+) by the (?:neck|throat|hair)|by the (?:neck|throat)|chok(?:ed|ing)|wait (?:till|until|til) (?:we|you|i|they) get (?:home|back|in)|slapp(?:ed|ing) (?:him|her|them|the (?:child|baby|toddler|boy|girl))|dragg(?:ed|ing) (?:a|the|her|his) (?:toddler|child|baby|kid|boy|girl)|again and again|get (?:her|him) into (?:a|their|his) (?:private )?(?:car|van)|can barely stand|floppy|greyish|blue lips|not breathing|unresponsive|won'?t let (?:the )?(?:nurse|doctor|gp|paramedics?)|(?:over|off) the balcony|dangling|(?:dad|stepdad|mum|mam|mother|father|partner|boyfriend) (?:\w+ )?(?:beat|hit|punched|kicked|strangled) (?:him|her|them)|bleeding|barefoot|(?:threw|thrown|kicked|chucked) (?:him|her|them) out|belt marks|marks on (?:his|her|their) (?:back|arms|legs)|finish it|made to (?:sleep|have sex) with|sleep(?:ing)? with (?:men|older men)|being (?:pimped|sold)|(?:left |been )(?:on (?:her|his|their) own|alone|home alone) since|on (?:her|his|their) own since|(?:by (?:them|him|her)sel(?:f|ves)|on (?:their|his|her) own|alone) (?:overnight|all night|since|for (?:two|three|\d+) days)|(?:mum|dad|parents?|carer|mother|father|mam) (?:hasn'?t|has not|haven'?t|have not) (?:been|come) (?:home|back) since|no food (?:in|at home|in the house)|not (?:on|allowed)(?: on)? the (?:collection|pick[- ]?up|contact) list|isn'?t on the (?:collection|pick[- ]?up) list|(?:turned|turns|shown|showed|come|came) up (?:here )?to (?:take|collect|snatch|grab|get) (?:one of|my|the|his|her|their)|hiding (?:in|from) (?:the|him|her|them)|(?:nobody|no one|no adult) (?:there|home|looking after)|passed out|unconscious|needle|(?:got|has got|getting) the belt|on (?:his|her|their) way to (?:pick|collect|get)|don'?t let (?:him|her|them) (?:collect|take|have)|locked in|(?:he|she|they) hurts? (?:her|him|them|me)|not to come home|welts?|split lip|(?:do it|hit (?:him|her)|beat (?:him|her)) again (?:tonight|today|later)|beat (?:him|her|them) with|locked out (?:in|of the (?:house|home|flat)|in the (?:garden|cold|street))|locked outside|been (?:hit|beaten|punched|kicked|hurt|slapped)|lock(?:ed|s|ing)? (?:her|him|them) (?:in|out)|can hear (?:\w+ ){0,3}?(?:screaming|shouting|crying|banging)|(?:has )?just (?:hit|punched|kicked|slapped|attacked|hurt|thrown|shoved)|screaming|kicking (?:the )?door|(?:stamp|stomp)(?:ing|ed|s)? on (?:a|the|his|her|him|them|someone|some)(?: \w+)?|jump(?:ing|ed)? on (?:his|her|their|a|the) (?:head|face)|hitting|beating|battering|strangl\w*|punching|kicking|shak(?:es|ing) the baby|won'?t wake|not waking|burns?|bruis\w*|abus\w*|get it when|(?:won'?t|will not) let (?:me|us|her|him) (?:in|leave|go)|put something in (?:my|her|his) drink|begging not to|scared to go home|afraid to go home|coming to (?:collect|get|pick)|due to go home|due home|due back`)
	// A threat to hurt or take the children, from someone there now.
	adultThreatSig = signal(`(?:will|'ll|going to|gonna|threaten\w*(?: to)?|says? (?:he|she|they) (?:will|'ll)) (?:\w+ ){0,4}?(?:hurt|kill|harm|beat|batter|snatch|take) (?:them|him|her|the (?:kids|children|baby|boy|girl))`)
	homeSig        = signal(`(?:a|the|their|his) (?:private )?(?:car|van)|any minute|due back|here|still|outside|let (?:me|us) in|home|house|flat|room|bedroom|door|phone|now|right now|tonight|today|back from|every night|in \d+ minutes|at \d|party|clinic|school`)
)

// Look-alikes: a story, the news, training, a general question, or the
// past. An idiom is removed before the situations are read.
var (
	// A joke, said as one.
	// Said in earnest: the laughter was someone else's.
	earnestSig = signal(`(?:but|and) (?:he|she|they) (?:was|were|is|are|seemed|sounded) (?:dead |deadly |totally |completely |really )?serious|(?:wasn'?t|was not|not) joking`)
	jokeFrame  = signal(`jokey|jokingly|(?:was|were) laughing|gave (?:him|her|them) a (?:big )?cuddle|lol|lmao|haha\w*|ha ha|joked|joking|(?:he|she|they) (?:means?|meant) (?:a|an|the|his|her|their)|had a laugh|free kick|banter|jk|just (?:kidding|joking)|only joking|(?:was|were) joking|gave (?:him|her|them) a (?:big )?hug|(?:it'?s|its) just what they (?:all )?say|(?:meant|means) (?:her|his) hair|(?:her|his) plaits`)
	// Explained away, or asked before it happens: the words are not
	// literal ("he means a CrossFit competition"), or the question is
	// what to do if it ever does.
	explainedFrame = signal(`(?:it'?s|its) (?:our|their|a|the|just (?:a|our)) (?:team |club |school )?(?:chant|song|motto|slogan|catchphrase|in-joke)|(?:it )?turn(?:s|ed) out (?:it'?s|its|it was|(?:he|she|they) meant)|(?:it'?s|it was) (?:actually|really|only|just) (?:a|an|his|her|their)`,
		`if (?:i|we) ever (?:found|find|came across|come across|had|get|got|saw|see)|if (?:a|an|one of (?:our|my|the)) \w+ (?:ever|were to)|what would (?:i|we|you) do if|in advance|(?:ever|one day) (?:said|disclosed)`)
	// Of the same age as the child: not an adult met online.
	peerSig = signal(`(?:definitely|also|is also|both) (?:1[0-7])\b|same age`)
	// Leakage: wanting to be on the news is a threat, not a news story.
	leakNewsSig = signal(`(?:be|get|gets|getting|make|makes|making|end up) (?:it )?(?:on |in )?the news`)
	// Closed: written up after the event.
	closedFrame = signal(`found safe|update for the file|for the file|case summary`)
	// Travel that is no cause: a retreat, a school trip, a residential.
	benignTravelSig = signal(`monastic|monastery|pilgrimage|retreat|gap year|exchange trip|school trip|residential|duke of edinburgh|dofe|cadets`)
	fictionFrame    = signal(`radio play|devising|(?:writing|write|wrote) (?:a|an|my) (?:\w+ )?(?:play|novel|story|script|screenplay)|(?:a|the|our|my) (?:\w+ )?play (?:in which|where|about)|(?:on|in|watching) (?:a|the|this|that) (?:soap|drama|tv show|series|programme|sitcom|film|movie)|(?:the|next|this) book (?:has|is|features)|main character|the chapter (?:where|when)|(?:we'?re|i'?m) teaching|coursework|thriller|a story (?:of|about)|(?:a|the) book (?:where|about|in which|called)|reading (?:a|the)|in (?:the|a|his|her) (?:book|story|film|novel)|(?:a|the|this|that|his|her|their|my) (?:story|short story|poem|drama|episode|series|soap|tv show|play|script|comic) (?:where|about|in which|called)`, `(?:tv|bbc|itv|netflix) (?:drama|show|series|programme)|watch\w* (?:a|the) (?:\w+ )?(?:drama|show|film|series)|a (?:\w+ )?drama (?:where|about)|graphic novel|storyline|novel|(?:are |we'?re |were )?studying|the themes|set text|(?:a|the) (?:film|movie) (?:where|about|in which)|documentary|cartoon|drew (?:a|an|some) (?:picture|cartoon|comic|drawing)|minecraft|video game|games? (?:where|that|like|in which)|plays a game|(?:it'?s|its) (?:a|just a) (?:phone |video |computer )?game|filming|(?:spy|short|horror|action) (?:movie|film)|(?:a|the) character|characters in|fiction|zombies`)
	trainingFrame   = signal(`(?:staff|team) briefing|briefing (?:for|on)|awareness (?:evening|session|day|week|event|talk|campaign)|session plan|(?:a|an|our) (?:[\w-]+ )?session (?:on|about)|(?:run|running|deliver|delivering|plan|planning) (?:a|an|the) (?:[\w-]+ ){0,2}(?:session|workshop|talk|assembly|lesson)|(?:staff|safeguarding|prevent|our|the|a|for|in) training (?:session|course|day|materials?|exercise|purposes|only)|for (?:our|the|staff|a) training|training (?:course|session|day|exercise|materials?|purposes|only)|(?:a|the|this|on a) (?:[\w-]+ ){0,3}course|session for|fictional|course (?:on|about|materials?)|refresher|role[- ]?play|case study|quiz|lesson plan|(?:a|the|my|our) presentation (?:on|about|for)|powerpoint|history (?:session|lesson|lecture|class)|what would you do|scenario:|away day|(?:a|the) talk (?:on|about)|(?:an|our) assembly (?:on|about)|(?:history |citizenship |re |pshe |english )?lesson (?:on|about)|for a (?:\w+ ){0,3}lesson|workshop|hypothetical|what if|discussion questions|write (?:some|a)|example for|(?:practice|role[- ]?play|training) script|mock (?:duty|call|scenario|interview|exercise|case)|(?:training|e-learning|the) module|draft (?:a|an|some)|designing (?:a|an|the) (?:course|session|training|module)|(?:training|practice|case|role[- ]?play) scenario|scenario (?:for|showing|where|about)|realistic scenario|training for|putting together (?:\w+ ){0,3}training|for (?:[\w-]+ )?training|model answers`)
	newsFrame       = signal(`footage of|(?:seen|saw|watched) (?:the )?(?:news|footage|coverage)|all over the news|in the (?:local |national )?papers?|bbc|itv|sky news|(?:a|the|this) (?:news )?(?:piece|report|story) (?:about|on)|in the news|on the news|news (?:story|report|article|piece)|the paper|newspaper|article|headline|was reported|it was reported|reports say|documentary|statistics|nationally|(?:the|on the|in the) news (?:about|says|said|this|today|that|of)|news (?:says|said|about|today|this morning)|see the news|(?:teenager|boy|man|girl|woman|lad|youth|someone|people|men) (?:was |were )?(?:convicted|sentenced|jailed)|published figures|how (?:common|often)`)
	generalFrame    = signal(`^(?:if|say|suppose|imagine) (?:a|an|one of (?:our|my|the)) |what would count as|what should (?:a|an|the|our) \w+ do if|risk assessment|(?:updating|reviewing|review of) (?:its|our|the) (?:[\w'-]+ ){0,3}(?:policy|protocol|procedure|guidance)|how would (?:we|you|i)|if a (?:young person|child|pupil|student|yp)|what'?s the (?:position|law|policy|guidance) on|what (?:we'?d|we would|would we) do if|think through|what (?:our|the) policy should say|(?:is|be) (?:technically )?(?:illegal|legal) now|no case in mind|(?:we )?(?:don'?t|do not) have a case|hypothetical(?:ly)?|asking for a (?:staff meeting|team meeting|friend)|what'?s the (?:standard )?(?:process|timescale)|what are the rules|no (?:plans?|bookings?|tickets?) |might one day|(?:does|do) (?:it|the duty|this) apply|reporting duty|is (?:it|that|this) (?:technically )?(?:illegal|legal|an offence)|in law|under the (?:current )?(?:\w+ ){0,3}guidance|no (?:live|current|specific|particular|actual) (?:case|pupil|child|concern|student)|routine review|(?:policy|protocol|annual) review|(?:updating|reviewing) (?:our|the) (?:policy|protocol|procedure|wording|guidance)|what(?: are| is|'s|s) the (?:signs|indicators|policy|procedure|law|difference)|how (?:do|can|would|should) (?:i|we|you|staff) (?:spot|recognise|recognize|tell|know|talk|discuss|explain|approach|support|ask|raise|bring up|start|help|respond|record)|signs (?:that|a|of)|what should (?:our|the|a) (?:school|policy)|what does the|can a school|who (?:do|should) we notify if|how is .* different|in general|generally|any advice on|is it ok to (?:talk|discuss)|suitable for|appropriate for`)
	// Resolved: the risk is over.
	resolvedFrame = signal(`found (?:safe|the next|later)|(?:been|was) charged|stable placement|settled (?:in|at|now)|(?:years?|months) ago|in (?:19|20)\d\d|back in|finished|completed|now mentors|resolved|no (?:concerns|incidents|issues) since|doing (?:fine|well)|thriving|well now|discharged|got (?:her|him|them) back|was stopped|were stopped|stopped at`)
	// Someone particular, in a general question: a pronoun, not "a pupil".
	particularSig = signal(`he|she|his|him|her|hers|they'?re|this (?:boy|girl|child|lad|pupil|yp|student)|my (?:son|daughter|client|yp|foster child)`)
	pastFrame     = signal(`when i was (?:a kid|a child|little|young|at school)|in the (?:19|20)?[0-9]0s|now (?:aged )?(?:1[89]|[2-9]\d)|as a (?:baby|toddler|infant)|(?:our|my|a) former|now an adult|long (?:divorced|over|ago|since)|last month|(?:of|in) 1[0-8]\d\d|gunpowder plot|local history|history (?:badge|project|topic)|museum|replica|(?:since|has|have|was|were) been (?:convicted|sentenced|jailed)|a conviction|years? ago|months ago|last (?:year|term|summer)|in (?:19|20)\d\d|when (?:he|she|they) (?:was|were) (?:\d+|younger|little|in year)|used to|history of|historic(?:al)?|previously|in the past|was excluded|has since|no (?:concerns|incidents|issues) since|finished|completed|now mentors|resolved|closed|went well|back in|as a child|years back`)
	idiomFrame    = regexp.MustCompile(`\b(?:fire (?:drills?|alarms?|safety|evacuations?|marshals?|wardens?|extinguishers?|practice|brigade visit)|blow (?:the )?roof off|raise the roof|bass drop|(?:ending|routine|song|track|tune|show|performance|dance|set|party|outfit) is (?:literally |absolutely )?(?:a |the )?bomb|shoot(?:ing)? (?:his|her|my|your|their) shot|armed and dangerous|went missing (?:off|from) (?:insta|instagram|social media|snap|snapchat|tiktok|the group chat|socials)|digital detox|(?:kill|murder|strangle|throttle) (?:him|her|them|me|you)(?: \w+)? if (?:\w+ ){0,4}?(?:late|loses?|lost|breaks?|broke|forgets?|forgot|eats?|ate|touches?|borrows?|beats? (?:him|her|me) at)|blow(?:ing)? up (?:my|his|her|their|your) (?:phone|inbox|notifications|dms)|blow(?:ing)? up at (?:his|her|the|my|their) (?:teacher|mum|dad|parents|brother|sister|carer)|(?:totally|completely|really) bombed|dying (?:to|for)|die for (?:a|an|some)|(?:killing|killed|smashing|smashed|nailing|nailed|bossing) it|bombed (?:the|my|his|her|that) (?:test|exam|interview|audition)|(?:is|was) the bomb\b|off to war with|war with (?:his|her) (?:dad|mum|parents)|hair ?cut|(?:get|getting|have|having) (?:the|a|her) (?:\w+ )?cut(?: \w+){0,8}? (?:hair|salon|fringe|bob|barber\w*|hairdresser\w*)|ribbon[- ]cutting|missing in action|(?:is|are|'s) killing me|(?:murder|kill) (?:a|an|for a) (?:nando'?s|coffee|tea|cuppa|brew|pint|burger|pizza|kebab|curry|drink|sandwich|chippy)|(?:verse|track|song|tune|beat) is a weapon|it'?s a bomb,? (?:bruv|mate|innit|fam)|(?:track|song|video|tune|channel|post|vid) (?:is )?(?:gonna|going to) blow up|shotgun wedding|forced marriage if you ask me|that \w+ killed me|want(?:ed)? to die (?:of|from) (?:embarrassment|shame|boredom)|killed me,? (?:\w+ )?i (?:want|wanted) to die|dead on my feet|shoot me an? (?:email|message|text|line)|cut[- ]off date|bridge the gap|literally die|i'?ll die|die of embarrassment|dead (?:funny|good|easy)|could kill for|cut from the (?:squad|team|show|group|cast)|(?:is|was|were|be|going to be) (?:the bomb|explosive)|blow (?:the judges|them|everyone|the audience) away|(?:got )?(?:absolutely )?battered \d+-\d+|hammered \d|(?:gonna|going to) kill (?:him|her|me) for (?:ripping|losing|breaking|being))\b`)
)

// screenRisks is every risk text describes: the situations, and the
// older sentence signals (risks), unless the message is a look-alike.
// Patterns are tried lazily, each once: most questions name nothing at
// stake, and are done after a few.
func screenRisks(text string) []string {
	return newReading(text).screen()
}

// newReading is text read for risk.
func newReading(text string) *reading {
	return &reading{t: riskText(text), memo: map[*regexp.Regexp]bool{}}
}

// screen is screenRisks of the text r reads.
func (r *reading) screen() []string {
	old, sit := risks(r.t), r.situations()
	if len(old) == 0 && len(sit) == 0 {
		return nil
	}
	urgent := r.has(urgentSig)
	joke := r.has(jokeFrame) && !r.has(earnestSig)
	news := r.has(newsFrame) && !r.has(leakNewsSig) && !(urgent && r.has(particularSig))
	// Past and dealt with, and no new plan: told today, it is history.
	settled := r.has(pastFrame) && r.has(resolvedFrame) && !r.has(intentSig) && !r.has(againSig)
	strong := r.has(fictionFrame) || r.has(trainingFrame) || news || r.has(closedFrame) || r.has(explainedFrame) || settled
	general := r.has(generalFrame)
	if strong || (!urgent && (general || r.has(pastFrame) || r.has(resolvedFrame) || joke)) {
		sit = nil
	}
	// The sentence signals judge the past and policy questions themselves
	// (a policy question naming a child with a knife still escalates):
	// only a story, the news, training, a resolved past or a general
	// question naming no one silences them.
	// A general question silences them only when the message is one
	// ("what are the signs a girl is at risk of ..."), not when it follows
	// a child's situation ("Jayden has a knife, what's the policy").
	generalFirst := false
	if loc := generalFrame.FindStringIndex(r.t); loc != nil && strings.TrimSpace(r.t[:loc[0]]) == "" {
		generalFirst = true
	}
	framed := strong || r.has(resolvedFrame) || (joke && !urgent) || (generalFirst && !r.has(particularSig))
	if framed && !(urgent && !strong) {
		old = nil
	}
	for _, k := range sit {
		if !slices.Contains(old, k) {
			old = append(old, k)
		}
	}
	r.signalled = old
	return old
}

// reading is a message being screened: its text, and which patterns it
// matches, each tried once.
type reading struct {
	t         string
	signalled []string // the risks the signals found, before any model judged them
	memo      map[*regexp.Regexp]bool
	read      bool     // units and words are set
	unitsRead []string // riskUnits of the text, once asked for
	wordsRead []string // wordUnits of the text, once asked for
	words     int
}

func (r *reading) has(re *regexp.Regexp) bool {
	v, ok := r.memo[re]
	if !ok {
		v = re.MatchString(r.t)
		r.memo[re] = v
	}
	return v
}

// quoteRE finds quotation marks around words, which chat and reports put
// round euphemisms ("to 'do' the girls").
var quoteRE = regexp.MustCompile(`(^|[\s(])['"]+|['"]+([\s.,!?;:)]|$)`)

var spacesRE = regexp.MustCompile(`[ \t]+`)

// topicFMRE is forced marriage named as a topic ("is it still forced
// marriage?"), which says nothing about force here.
// socialStoryRE is a story posted on social media, which is not fiction.
var socialStoryRE = regexp.MustCompile(`\b(?:on|in) (?:his|her|their|my|the|a) (?:[\w-]+ )?(?:friends )?stor(?:y|ies)\b`)

// endWithRE is ending a relationship ("going to end it with her
// partner"), which is not ending a life.
var endWithRE = regexp.MustCompile(`\bend(?:s|ing|ed)? (?:it|things) with (his|her|their|my|your) (?:partner|boyfriend|girlfriend|husband|wife|fella|bf|gf|ex)\b`)

// siblingRE is a brother or sister described by age ("his older
// brother"): family, not the older man of a grooming report.
var siblingRE = regexp.MustCompile(`\b(?:older|elder|big|younger|little|baby|half|step) ?-?(brothers?|sisters?|bro|sis|siblings?|cousins?)\b`)

// negatedRE is a risk denied ("says she's not suicidal").
var negatedRE = regexp.MustCompile(`\b(?:not|isn'?t|is not|no|denies(?: being| any)?|denied(?: being| any)?|without) (?:suicidal|suicide|thoughts of suicide|suicidal thoughts|intent)\b`)

// unfinishedRE is work not yet done ("nearly finished a gun"), which is
// a plan, not the past.
var unfinishedRE = regexp.MustCompile(`\b(?:nearly|almost|not yet|not quite|isn'?t|hasn'?t|haven'?t) (?:finished|done|completed)\b`)

var topicFMRE = regexp.MustCompile(`\bforced (?:marriages?|weddings?)\b`)

// againSig is a new plan after an old one: the past is not settled.
var againSig = signal(`again|new|another|tomorrow|tmrw|tonight|tonite|next|this (?:weekend|week|evening|afternoon)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|booked|bought|ordered|planning|plans?|about to|right now|as we speak`)

// minimiseRE is a harm played down ("it's just a small one"), which
// explains nothing away: the harm is still there.
var minimiseRE = regexp.MustCompile(`\b(?:it'?s|its|it is|it was) (?:only|just|actually) (?:a|an) (?:small|little|tiny|quick|wee|light|gentle)\b`)

// A joke, then the real question ("... lol. anyway, proper question"):
// what came before the turn is the joke, and is not read for risk.
var (
	jokeMarkRE = regexp.MustCompile(`\b(?:lol|lmao|haha\w*|jk)\b|😂|🤣`)
	pivotRE    = regexp.MustCompile(`\b(?:anyway|anyways|but seriously|seriously though|(?:my|the|a) (?:actual|real|proper|serious) question|(?:actual|real|proper|serious) question)\b`)
)

func dropJoke(t string) string {
	if loc := pivotRE.FindStringIndex(t); loc != nil && jokeMarkRE.MatchString(t[:loc[0]]) {
		return t[loc[0]:]
	}
	return t
}

// riskText is text as the screener reads it: chat spelt out, lower case,
// words of other languages glossed in English, quotation marks and idioms
// gone.
func riskText(text string) string {
	t := quoteRE.ReplaceAllString(dropJoke(gloss(normaliseForRisk(unchat(text)))), "$1 $2")
	t = minimiseRE.ReplaceAllString(spacesRE.ReplaceAllString(t, " "), "a small")
	t = socialStoryRE.ReplaceAllString(t, "on social media")
	t = endWithRE.ReplaceAllString(t, "leave $1")
	t = siblingRE.ReplaceAllString(t, "$1")
	t = unfinishedRE.ReplaceAllString(t, "nearly ready")
	t = negatedRE.ReplaceAllString(topicFMRE.ReplaceAllString(t, "marriage concern"), " ")
	return spacesRE.ReplaceAllString(idiomFrame.ReplaceAllString(t, " "), " ")
}

// distinct is ms without repeats.
func distinct(ms []string) []string {
	slices.Sort(ms)
	return slices.Compact(ms)
}

// situations are the situations r describes, frames aside.
func (r *reading) situations() []string {
	t := r.t
	// Something at stake first: most questions have nothing.
	if !r.has(causeSig) && !r.has(weaponSig) && !r.has(attackSig) && !r.has(explosiveSig) && !r.has(onlineSig) &&
		!r.has(marriageSig) && !r.has(cuttingSig) && !r.has(weakCutSig) && !r.has(suicideSig) && !r.has(harmNowSig) && !r.has(adultThreatSig) &&
		!r.has(secretSig) && !r.has(reconSig) && !r.has(riteSig) && !r.has(threatSig) {
		return nil
	}
	if !r.has(whoSig) {
		return nil
	}
	soon, intent := r.has(soonSig), r.has(intentSig)
	var out []string
	add := func(ok bool, kind string) {
		if ok {
			out = append(out, kind)
		}
	}
	travel := r.has(causeSig) && !r.has(benignTravelSig) && ((r.has(travelSig) && (intent || soon)) || (intent && soon))
	travel = travel || (r.has(travelSig) && r.has(secretSig) && (intent || soon))
	add(travel, RiskTravel)
	add(r.has(weaponSig) && (r.has(harmSig) || (intent && (r.has(targetSig) || soon)) || (r.has(targetSig) && r.has(urgentSig))), RiskWeapon)
	add((r.has(attackSig) || r.has(reconSig)) && ((r.has(targetSig) && (intent || soon)) || (intent && soon)), RiskAttack)
	add(r.has(threatSig) && (soon || intent || r.has(targetSig)), RiskAttack)
	add(r.has(explosiveSig) && (len(explosiveSig.FindAllString(t, 3)) >= 2 || (r.has(makingSig) && (intent || r.has(targetSig)))), RiskWeapon)
	if r.has(onlineSig) && r.has(adultSig) && r.has(withSig) && (soon || intent || r.has(presentSig)) &&
		(!r.has(peerSig) || r.has(missingRE) || r.has(notHomeSig)) {
		// Missing with an adult met online; or meeting one, a danger now.
		if r.has(missingRE) || r.has(notHomeSig) {
			out = append(out, RiskMissing)
		} else {
			out = append(out, RiskDanger)
		}
	}
	// A missing child who was to meet someone met online, whatever age
	// they claimed.
	add((r.has(missingRE) || r.has(notHomeSig)) && r.has(metOnlineSig) && r.has(withSig) && !slices.Contains(out, RiskMissing), RiskMissing)
	// Sent abroad to marry a fighter is travel to join a group (above).
	fm := topicFMRE.ReplaceAllString(t, " ")
	add(!r.has(causeSig) && r.has(marriageSig) && marriageSelfSig.MatchString(fm) && (forcedSig.MatchString(fm) || r.has(travelSig)) && (soon || intent || r.has(travelSig)), RiskMarriage)
	// Two euphemisms for the rite ("do the procedure", "down there") name
	// it as well as the word.
	cut := r.has(cuttingSig) || len(distinct(riteSig.FindAllString(t, -1))) >= 2 || (r.has(weakCutSig) && (r.has(travelSig) || r.has(toBeCutSig))) || (r.has(riteSig) && (r.has(weakCutSig) || r.has(travelSig)))
	add(cut && !r.has(selfHarmSig) && !(r.has(maleCutSig) && !r.has(girlSig)) && (r.has(cuttingSig) || r.has(girlSig)) && (r.has(travelSig) || soon || intent), RiskFGM)
	add(r.has(suicideSig) && (r.has(suicideMeansSig) || soon || intent || r.has(suicidalSig)), RiskSuicide)
	add((r.has(harmNowSig) || r.has(adultThreatSig)) && r.has(homeSig), RiskDanger)
	return out
}
