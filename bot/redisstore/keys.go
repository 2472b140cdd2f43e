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
