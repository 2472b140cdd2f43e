// Package redisstore keeps Waymark's conversation state in Redis: it
// implements bot.Store with go-redis, through a redis.UniversalClient, so a
// single node, Redis Sentinel and Redis Cluster all work.
//
// # Key layout
//
// Every key starts with Config.Prefix ("wm" by default). Values are JSON
// except the feedback stream, whose entries are flat fields.
//
//	key                          type    holds                              expiry
//	wm:{conv:<conversationKey>}  string  bot.Conversation as JSON            ConversationTTL (24h), from the last save
//	wm:{user:<userKey>}:profile  string  bot.Profile as JSON                 ProfileTTL (30 days), from the last save
//	wm:{evt:<platform>:<id>}     string  "1": the event has been delivered   DedupeTTL (24h), from the first delivery
//	wm:{feedback}                stream  one entry per bot.Feedback          none; trimmed to about FeedbackMaxLen entries
//
// Feedback entries have the fields ref, user, verdict (one of the
// bot.Verdict constants), comment, docs (a JSON array of document ids) and
// at (RFC 3339, UTC).
//
// # Hash tags
//
// Redis Cluster puts a key in the slot of its hash tag, the text between the
// first '{' and the next '}', or of the whole key if it has none; a script or
// a MULTI transaction may only touch keys of one slot. The tags are chosen
// so that keys a later feature may change together share a slot, while
// unrelated keys spread over the cluster:
//
//   - {conv:<conversationKey>} names one conversation. Whatever is added to a
//     conversation later (a pending consultation, a lock) goes under the same
//     tag, as wm:{conv:<conversationKey>}:<what>, so one script can update
//     the conversation and it atomically. Different conversations spread.
//   - {user:<userKey>} names one practitioner, for the profile and anything
//     else kept per person (wm:{user:<userKey>}:<what>).
//   - {evt:<platform>:<id>} makes every delivery key its own tag: SET NX EX
//     touches one key, and millions of them should spread evenly.
//   - {feedback} is one stream, so one slot; the tag lets a later summary or
//     consumer bookkeeping key (wm:{feedback}:<what>) live beside it.
//
// The prefix may not contain '{' or '}', which would change the tags. Keys
// and HashTag show the layout in code, and Slot computes a key's cluster
// slot.
//
// # Errors
//
// A missing key is not an error: the methods return a zero value. When Redis
// cannot be reached (refused or reset connections, timeouts, a cancelled or
// expired context, a closed Store, a server that is loading, read-only, out
// of memory, refusing our credentials or whose cluster is down) they return
// a *bot.Error of kind bot.EUnavailable, whose message says that
// conversation memory is unavailable; the engine then answers without
// state. Any other error from Redis, or a stored value that cannot be
// decoded, is internal. go-redis reconnects by itself once Redis is back; no
// restart of Waymark is needed.
//
// Timeouts are short (500ms by default) and a failed command is retried
// once, so an outage costs a question at most a second or so before it is
// answered without state.
//
// The store keeps only what the bot.Store methods are given and logs
// nothing; go-redis itself may log connection failures, which name addresses
// but never keys or values.
//
// # Running without Redis
//
// StartEmbedded runs an in-memory Redis (miniredis) inside the process, for
// a developer's machine or a demonstration: state is lost when the process
// exits and is not shared between processes.
package redisstore
