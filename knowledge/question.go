package knowledge

import (
	"regexp"
	"strings"
)

// What a question is about, read from its shape rather than its words
// alone: a council it names that the corpus does not know, or the conduct
// of someone who works with children.

// staffConductRE finds someone who works with children as the subject of
// what they did ("a teacher has been posting far right stuff", "TA told
// year 10s"): whatever the words, a concern about the conduct of someone
// in a position of trust is an allegation against staff, for the LADO.
var staffConductRE = regexp.MustCompile(`(?:^|[.!?;,]\s*|\b(?:a|the|our|my|one of (?:our|the|my)|his|her|their|this|that|an?) )(?:(?:supply|class|form|pe|sports?|football|boxing|dance|music|madrasa|mosque|youth|scout|cadet|church|sunday school|nursery|support|learning support|teaching|cover|agency|school|residential|care home)\s)?(?:teachers?|tas?|teaching assistants?|tutors?|coach(?:es)?|youth workers?|staff members?|members? of staff|colleagues?|volunteers?|dinner lad(?:y|ies)|lunchtime supervisors?|caretakers?|nursery workers?|childminders?|foster carers?|leaders?|support workers?|care workers?|residential workers?|instructors?|governors?|head ?teachers?|heads? of year|senco|dsl|imam|priest|vicar|pastor|youth leaders?|lifeguards?|bus drivers?|taxi drivers?|escorts?)\b(?: \w+)?? (?:(?:has|have|had) been |is |are |was |were |keeps? |kept |been |has |have |had |who (?:is |has been |was )?)?(?:post(?:s|ed|ing)|told|tells?|telling|said|says|saying|shar(?:es|ed|ing)|show(?:s|ed|ing)|sen(?:t|ds|ding)|giv(?:es|en|ing)|gave|hand(?:s|ed|ing)|call(?:s|ed|ing)|wear(?:s|ing)|wore|lik(?:es|ed|ing)|follow(?:s|ed|ing)|join(?:s|ed|ing)|mak(?:es|ing)|made|touch(?:es|ed|ing)|groom(?:s|ed|ing)|messag(?:es|ed|ing)|text(?:s|ed|ing)|contact(?:s|ed|ing)|preach(?:es|ed|ing)|promot(?:es|ed|ing)|play(?:s|ed|ing)|act(?:s|ed|ing)|behav(?:es|ed|ing)|shout(?:s|ed|ing)|hit|hits|hitting|slap(?:s|ped|ping)|push(?:es|ed|ing)|grab(?:s|bed|bing)|spread(?:s|ing)?|recruit(?:s|ed|ing)|encourag(?:es|ed|ing)|bull(?:ies|ied|ying)|threaten(?:s|ed|ing)?|sw(?:ore|ears|earing)|offer(?:s|ed|ing)|invit(?:es|ed|ing)|add(?:s|ed|ing))\b`)

// notStaffRE is the asker naming their own role ("I'm a teacher and a
// pupil has been posting"), which is not a concern about staff.
var notStaffRE = regexp.MustCompile(`\b(?:i'?m|i am|as|being|im) $`)

// staffConductWords are what an allegation against staff is called.
const staffConductWords = "allegation against a member of staff position of trust local authority designated officer"

// staffConduct reports whether q is about the conduct of someone who works
// with children.
func staffConduct(q string) bool {
	t := strings.ToLower(q)
	for _, m := range staffConductRE.FindAllStringIndex(t, -1) {
		if !notStaffRE.MatchString(t[:m[0]]) {
			return true
		}
	}
	return false
}

// councilNameRE finds the word that names a council.
var councilNameRE = regexp.MustCompile(`\b([a-z]+) (?:council|borough)\b`)

// namesOtherCouncil reports whether q names a council by a word that is
// neither the corpus's, nor English, nor a typing error of either: a
// question about another council's services, which this corpus cannot
// answer however well its words match.
func (b *Base) namesOtherCouncil(q string) bool {
	for _, m := range councilNameRE.FindAllStringSubmatch(strings.ToLower(q), -1) {
		w := m[1]
		if len(w) < 4 || b.spell.known(w) || dictionaryWords[w] {
			continue
		}
		if _, typo := b.spell.correct(w); !typo {
			return true
		}
	}
	return false
}
