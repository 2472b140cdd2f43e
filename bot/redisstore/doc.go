// Package redisstore keeps Waymark's conversation state and its
// consultation records in Redis: it implements bot.Store,
// bot.ConsultationStore, bot.EscalationStore and bot.TimerStore with
// go-redis, through a redis.UniversalClient, so a single node, Redis
// Sentinel and Redis Cluster all work.
//
// # Key layout
//
// Every key starts with Config.Prefix ("wm" by default). Conversation
// state is JSON, except the feedback stream, whose entries are flat fields.
//
//	key                          type    holds                              expiry
//	wm:{conv:<conversationKey>}  string  bot.Conversation as JSON            ConversationTTL (24h), from the last save
//	wm:{user:<userKey>}:profile  string  bot.Profile as JSON                 ProfileTTL (30 days), from the last save
//	wm:{evt:<platform>:<id>}     string  "1": the event has been delivered   DedupeTTL (24h), from the first delivery
//	wm:{feedback}                stream  one entry per bot.Feedback          none; trimmed to about FeedbackMaxLen entries
//	wm:{inbox:web:<team>:<id>}   list    notes for a web chat session, JSON  InboxTTL (7 days), from the last note; the newest InboxMax (100)
//
// Consultations, escalations and timers (bot.ConsultationStore,
// bot.EscalationStore, bot.TimerStore) are records, kept until deleted by
// hand:
//
//	key                                type    holds                                          expiry
//	wm:{seq:consultation}              string  the last consultation number (INCR)            none
//	wm:{cons:<ref>}                    hash    one bot.Consultation (ref WM-000042)           none
//	wm:{user:<userKey>}:consultations  zset    refs a person requested; score CreatedAt ms    none
//	wm:{audit}                         stream  one entry per bot.AuditEntry                   none; never trimmed
//	wm:{seq:escalation}                string  the last escalation number (INCR)             none
//	wm:{esc:<id>}                      hash    one bot.Escalation (id ESC-000007)             none
//	wm:{timers}                        zset    timer ids; score Due in unix ms                none
//	wm:{timers}:bodies                 hash    timer id -> bot.Timer as JSON                  none
//	wm:{timers}:taken:<op>             list    the timers one TakeDue call took, for a retry  1 minute
//
// A sweep (Sweep, run by waymark serve every retention.every) removes
// closed consultations and ended escalations, old feedback and old audit
// entries, past the periods of its Retention; ErasePerson and ExportPerson
// find one person's records (see PRIVACY.md at the repository's root).
//
// Short-lived keys of the web sign-in and the rate limits:
//
//	key                          type    holds                                        expiry
//	wm:{tok:<kind>:<sha256>}     string  a session, sign-in state or one-time link    its TTL (8h; 10m)
//	wm:{rl:<kind>:<userKey>}:<n> string  an action count in window n                  two windows
//	wm:{sweep}                   string  the retention sweep's lock                   one interval
//
// Record hashes have snake_case fields, one per field of the bot type, with
// people flattened into <role>_platform, _team_id, _user_id and _name, and
// an op field naming the call that last changed them; empty values are left
// out. Times are RFC 3339 in UTC everywhere; scores and audit stream ids,
// which must be numbers, are unix milliseconds. Audit entries have the
// fields at, ref, actor, action and detail; an entry's stream id is never
// earlier than its at, which AuditSince relies on.
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
//   - {cons:<ref>} and {esc:<id>} name one consultation or escalation: the
//     scripts that claim, close, acknowledge or advance one touch its hash
//     alone. Anything added per consultation later goes under its tag.
//   - {timers} holds every timer in one slot, so that one script can find,
//     remove and return the due ones.
//   - {audit} is one stream. A state change and its audit entry are in
//     different slots, so the entry is appended just after the script that
//     made the change; if Redis fails in between, the change stands
//     without its entry and the method returns an EUnavailable error.
//   - {seq:consultation} and {seq:escalation} are counters, each its own
//     slot; a booking is therefore several round trips, not one step.
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
// The consultation, escalation and timer methods use the same kinds, with
// a message saying that consultation records are unavailable; they return
// ENotFound, EConflict and EForbidden as their documentation says.
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
