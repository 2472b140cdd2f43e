package knowledge

import "strings"

// chatSpellings are general English chat and text spellings, not council
// words: what anyone typing fast on a phone writes for an everyday word.
// Questions are read with them spelt out, so "shud i tell mum" asks about
// telling mum, and "wot" or "tmrw" are not taken for rare words the corpus
// lacks (which would count against a right answer). Local abbreviations
// belong in a corpus's synonyms, safeguarding ones in the lexicon.
var chatSpellings = map[string]string{
	"shud": "should", "shld": "should", "wud": "would", "wld": "would", "cud": "could", "cld": "could",
	"wot": "what", "wat": "what", "wht": "what", "whut": "what",
	"coz": "because", "cos": "because", "cuz": "because", "bc": "because", "bcos": "because", "becos": "because",
	"abt": "about", "b4": "before", "bfr": "before", "aftr": "after",
	"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow",
	"2day": "today", "tdy": "today", "2nite": "tonight", "tonite": "tonight", "nite": "night", "2night": "tonight", "tnight": "tonight",
	"wk": "week", "wks": "weeks", "wkend": "weekend", "wknd": "weekend",
	"yr": "year", "yrs": "years", "mins": "minutes", "hr": "hour", "hrs": "hours",
	"ppl": "people", "msg": "message", "msgs": "messages", "txt": "text", "txts": "texts", "txted": "texted",
	"rn": "right now", "atm": "at the moment", "asap": "as soon as possible",
	"r": "are", "u": "you", "ur": "your", "urs": "yours", "ya": "you", "yu": "you",
	"n": "and", "nd": "and", "y": "why", "k": "ok", "kk": "ok",
	"gd": "good", "gr8": "great", "sum1": "someone", "some1": "someone", "ne1": "anyone", "any1": "anyone", "no1": "no one",
	"pls": "please", "plz": "please", "thx": "thanks", "thnx": "thanks",
	"im": "i am", "ive": "i have",
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "cannot", "wont": "will not", "wouldnt": "would not",
	"shouldnt": "should not", "couldnt": "could not", "isnt": "is not", "arent": "are not", "wasnt": "was not",
	"havent": "have not", "hasnt": "has not", "hes": "he is", "shes": "she is", "theyre": "they are", "thats": "that is",
	"whats": "what is", "whos": "who is", "wheres": "where is", "hows": "how is", "theres": "there is",
	"dunno": "do not know", "idk": "i do not know", "gonna": "going to", "wanna": "want to", "gotta": "got to",
	"tho": "though", "thru": "through", "bout": "about", "probs": "probably",
	"convo": "conversation", "convos": "conversations", "pic": "picture", "pics": "pictures", "vid": "video", "vids": "videos",
	// Not "mon", "sat" or "sun": they are words too ("sat on the edge").
	"tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
	"thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday",
	"bday": "birthday", "hols": "holidays",
}

// unchat spells out chat spellings in lower-case text, word by word.
func unchat(text string) string {
	var sb strings.Builder
	last := 0
	for _, sp := range surfaceRE.FindAllStringIndex(text, -1) {
		w := text[sp[0]:sp[1]]
		full, ok := chatSpellings[strings.ToLower(w)]
		if !ok {
			continue
		}
		sb.WriteString(text[last:sp[0]])
		sb.WriteString(full)
		last = sp[1]
	}
	if last == 0 {
		return text
	}
	sb.WriteString(text[last:])
	return sb.String()
}
