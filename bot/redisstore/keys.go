package redisstore

import "strings"

// Keys builds the keys of the layout in the package documentation under
// Prefix. Later features add their keys here, under the tag of what they
// belong to.
type Keys struct {
	Prefix string
}

// Conversation is the key of a conversation's state:
// <prefix>:{conv:<key>}.
func (k Keys) Conversation(key string) string {
	return k.Prefix + ":{conv:" + key + "}"
}

// Profile is the key of a practitioner's profile:
// <prefix>:{user:<userKey>}:profile.
func (k Keys) Profile(userKey string) string {
	return k.Prefix + ":{user:" + userKey + "}:profile"
}

// Event is the key recording that a platform delivered an event:
// <prefix>:{evt:<platform>:<id>}.
func (k Keys) Event(platform, id string) string {
	return k.Prefix + ":{evt:" + platform + ":" + id + "}"
}

// Feedback is the key of the feedback stream: <prefix>:{feedback}.
func (k Keys) Feedback() string {
	return k.Prefix + ":{feedback}"
}

// HashTag returns the part of key that Redis Cluster hashes: the text
// between the first '{' and the first '}' after it if that is not empty,
// otherwise the whole key. Keys with the same hash tag are in the same slot.
func HashTag(key string) string {
	start := strings.IndexByte(key, '{')
	if start < 0 {
		return key
	}
	end := strings.IndexByte(key[start+1:], '}')
	if end <= 0 {
		return key
	}
	return key[start+1 : start+1+end]
}

// Slot returns key's Redis Cluster hash slot, CRC16(HashTag(key)) mod 16384,
// as CLUSTER KEYSLOT would.
func Slot(key string) int {
	return int(crc16(HashTag(key)) % 16384)
}

// crc16 is CRC-16/XMODEM (polynomial 0x1021, initial value 0), the checksum
// Redis Cluster uses.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// ConsultationSeq is the counter consultation references are taken from
// with INCR: <prefix>:{seq:consultation}.
func (k Keys) ConsultationSeq() string {
	return k.Prefix + ":{seq:consultation}"
}

// Consultation is the hash holding one consultation: <prefix>:{cons:<ref>}.
// Anything added per consultation later goes under the same tag, as
// <prefix>:{cons:<ref>}:<what>, so one script can change it atomically.
func (k Keys) Consultation(ref string) string {
	return k.Prefix + ":{cons:" + ref + "}"
}

// ConsultationsOf is the sorted set of the references a practitioner
// requested, scored by creation time: <prefix>:{user:<userKey>}:consultations.
func (k Keys) ConsultationsOf(userKey string) string {
	return k.Prefix + ":{user:" + userKey + "}:consultations"
}

// Audit is the key of the audit stream: <prefix>:{audit}.
func (k Keys) Audit() string {
	return k.Prefix + ":{audit}"
}

// EscalationSeq is the counter escalation ids are taken from with INCR:
// <prefix>:{seq:escalation}.
func (k Keys) EscalationSeq() string {
	return k.Prefix + ":{seq:escalation}"
}

// Escalation is the hash holding one escalation: <prefix>:{esc:<id>}.
func (k Keys) Escalation(id string) string {
	return k.Prefix + ":{esc:" + id + "}"
}

// Timers is the sorted set of timer ids scored by due time in unix
// milliseconds: <prefix>:{timers}.
func (k Keys) Timers() string {
	return k.Prefix + ":{timers}"
}

// TimerBodies is the hash from timer id to the timer as JSON:
// <prefix>:{timers}:bodies.
func (k Keys) TimerBodies() string {
	return k.Prefix + ":{timers}:bodies"
}

// TimerBatch holds, for a minute, the timers one TakeDue call took, so
// that go-redis retrying the call after a lost reply gets the same timers
// rather than losing them: <prefix>:{timers}:taken:<op>.
func (k Keys) TimerBatch(op string) string {
	return k.Prefix + ":{timers}:taken:" + op
}

// Inbox is the list of notes waiting for a web chat session, which has no
// connection to push them to: <prefix>:{inbox:<userKey>}, with userKey
// web:<team>:<session>.
func (k Keys) Inbox(userKey string) string {
	return k.Prefix + ":{inbox:" + userKey + "}"
}

// ConsultationIndex is the sorted set of every kept consultation's
// reference, scored by creation time in unix milliseconds, for the
// console: <prefix>:{index:consultations}.
func (k Keys) ConsultationIndex() string {
	return k.Prefix + ":{index:consultations}"
}

// EscalationIndex is the sorted set of every kept escalation's id, scored
// by creation time in unix milliseconds: <prefix>:{index:escalations}.
func (k Keys) EscalationIndex() string {
	return k.Prefix + ":{index:escalations}"
}

// Gaps is the stream of knowledge gaps, for the console: <prefix>:{gaps}.
func (k Keys) Gaps() string {
	return k.Prefix + ":{gaps}"
}

// Usage is the hash of question counts by day (<day>:answered,
// <day>:unanswered) and the start of counting (since): <prefix>:{usage}.
// UsageShown, beside it, maps each document shown to when it was last.
func (k Keys) Usage() string {
	return k.Prefix + ":{usage}"
}

// UsageShown is the hash from document id to when an answer last showed
// it: <prefix>:{usage}:shown.
func (k Keys) UsageShown() string {
	return k.Prefix + ":{usage}:shown"
}
