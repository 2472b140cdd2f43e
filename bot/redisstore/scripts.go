package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts below make every state change of a consultation, an
// escalation or the timers one atomic step: each reads the current state and
// changes it, or refuses, with no other command in between. Each touches
// only the keys it is given, all under one hash tag, so it runs on Redis
// Cluster too. go-redis runs them with EVALSHA, and with EVAL when the
// server does not have the script cached (after a restart or a failover).
//
// Scripts that change a record store the calling method's operation id (see
// newOp) in the record's op field, so that a retry by go-redis of the same
// call is reported done instead of refused.

// Script statuses.
const (
	statusMissing   = "missing"   // no such record
	statusDone      = "done"      // changed, now or by an earlier try of this call
	statusRefused   = "refused"   // the state or the actor does not allow the change
	statusUnchanged = "unchanged" // Advance: not a later step, nothing to do
)

// createScript stores a new record if there is none under its key.
//
// KEYS[1] is the record's hash. ARGV[1] is the operation id; the rest are
// field/value pairs. It returns 1 if it stored the record (or an earlier try
// of this call did) and 0 if another record is there.
var createScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
	if redis.call('HGET', KEYS[1], 'op') == ARGV[1] then
		return 1
	end
	return 0
end
redis.call('HSET', KEYS[1], 'op', ARGV[1], unpack(ARGV, 2))
return 1
`)

// transitionScript moves a record from one state to another if the actor
// may make the change.
//
// KEYS[1] is the record's hash, which has a state field.
// ARGV[1] lists the states the change may start from, separated by spaces.
// ARGV[2] is the prefix of the person fields (_platform, _team_id, _user_id)
// that must equal ARGV[3], ARGV[4] and ARGV[5], the actor's; or "" when
// anyone may make the change.
// ARGV[6] is the operation id.
// ARGV[7] is how many field names follow, to delete; after them come
// field/value pairs to set.
//
// It returns {"missing"}, or a status ("done" or "refused") and the record
// as HGETALL gives it, after the change if it was made.
var transitionScript = redis.NewScript(`
local key = KEYS[1]
local state = redis.call('HGET', key, 'state')
if not state then
	return {'missing'}
end
if redis.call('HGET', key, 'op') == ARGV[6] then
	return {'done', redis.call('HGETALL', key)}
end
local allowed = string.find(' ' .. ARGV[1] .. ' ', ' ' .. state .. ' ', 1, true) ~= nil
if allowed and ARGV[2] ~= '' then
	local p = ARGV[2]
	local who = redis.call('HMGET', key, p .. '_platform', p .. '_team_id', p .. '_user_id')
	allowed = (who[1] or '') == ARGV[3] and (who[2] or '') == ARGV[4] and (who[3] or '') == ARGV[5]
end
if not allowed then
	return {'refused', redis.call('HGETALL', key)}
end
local n = tonumber(ARGV[7])
if n > 0 then
	redis.call('HDEL', key, unpack(ARGV, 8, 7 + n))
end
redis.call('HSET', key, 'op', ARGV[6], unpack(ARGV, 8 + n))
return {'done', redis.call('HGETALL', key)}
`)

// advanceScript records that an escalation's ladder has sent a later prompt.
//
// KEYS[1] is the escalation's hash. ARGV[1] is the open state, ARGV[2] the
// exhausted state, ARGV[3] the level and ARGV[4] the prompt, ARGV[5] "1" to
// mark the ladder exhausted, ARGV[6] the operation id.
//
// It changes the escalation only if it is open and (level, prompt) comes
// after its (level, prompt) in lexicographic order. It returns {"missing"},
// or a status ("done" or "unchanged") and the escalation as HGETALL gives it.
var advanceScript = redis.NewScript(`
local key = KEYS[1]
local cur = redis.call('HMGET', key, 'state', 'level', 'prompt', 'op')
if not cur[1] then
	return {'missing'}
end
if cur[4] == ARGV[6] then
	return {'done', redis.call('HGETALL', key)}
end
local level, prompt = tonumber(cur[2] or '0'), tonumber(cur[3] or '0')
local l, p = tonumber(ARGV[3]), tonumber(ARGV[4])
if cur[1] ~= ARGV[1] or l < level or (l == level and p <= prompt) then
	return {'unchanged', redis.call('HGETALL', key)}
end
redis.call('HSET', key, 'level', ARGV[3], 'prompt', ARGV[4], 'op', ARGV[6])
if ARGV[5] == '1' then
	redis.call('HSET', key, 'state', ARGV[2])
end
return {'done', redis.call('HGETALL', key)}
`)

// auditScript appends an entry to the audit stream with an id whose time is
// the entry's own, so that AuditSince can start reading at the id for a
// time. Stream ids only grow: an entry no later than the stream's last one
// gets the next id instead ('*', at least the last id's time). Either way an
// entry's id is never earlier than its time.
//
// KEYS[1] is the stream. ARGV[1] is the entry's time in unix milliseconds;
// the rest are field/value pairs. It returns the entry's id.
var auditScript = redis.NewScript(`
local id = redis.pcall('XADD', KEYS[1], ARGV[1] .. '-0', unpack(ARGV, 2))
if type(id) == 'table' and id.err then
	id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
end
return id
`)

// takeDueScript leases and returns the ids and bodies (id, body, id, body,
// ...) of up to a limit of timers
// due by a time: their due times move a lease ahead, so no other caller
// gets them meanwhile, and a caller that dies before rescheduling or
// cancelling them only delays them.
//
// KEYS[1] is the sorted set of timer ids by due time, KEYS[2] the hash of
// bodies, KEYS[3] this call's batch key. ARGV[1] is the time in unix
// milliseconds, ARGV[2] the limit, ARGV[3] how long to keep the batch, in
// milliseconds, ARGV[4] the lease, in milliseconds.
//
// The batch key keeps what the call took for a while, so a retry of the
// same call by go-redis returns the same timers instead of the next ones.
var takeDueScript = redis.NewScript(`
local taken = redis.call('LRANGE', KEYS[3], 0, -1)
if #taken > 0 then
	return taken
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then
	return {}
end
local leased = tonumber(ARGV[1]) + tonumber(ARGV[4])
local bodies = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i = 1, #ids do
	if bodies[i] then
		redis.call('ZADD', KEYS[1], leased, ids[i])
		out[#out + 1] = ids[i]
		out[#out + 1] = bodies[i]
	else
		-- an id without a body can never fire: drop it
		redis.call('ZREM', KEYS[1], ids[i])
	end
end
if #out > 0 then
	redis.call('RPUSH', KEYS[3], unpack(out))
	redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
return out
`)

// recordResult is a record script's reply: a status and, unless the record
// is missing, the record's fields.
type recordResult struct {
	status string
	rec    map[string]string
}

// runRecord runs a script that returns a status and a record.
func (s *Store) runRecord(ctx context.Context, script *redis.Script, key string, args ...any) (recordResult, error) {
	v, err := script.Run(ctx, s.client, []string{key}, args...).Slice()
	if err != nil {
		return recordResult{}, s.wrapRecords("EVALSHA", err)
	}
	if len(v) == 0 {
		return recordResult{}, fmt.Errorf("script on %s: empty reply", key)
	}
	status, ok := v[0].(string)
	if !ok {
		return recordResult{}, fmt.Errorf("script on %s: status %T", key, v[0])
	}
	r := recordResult{status: status}
	if status == statusMissing {
		return r, nil
	}
	if len(v) != 2 {
		return recordResult{}, fmt.Errorf("script on %s: %d values in the reply, want 2", key, len(v))
	}
	flat, ok := v[1].([]any)
	if !ok || len(flat)%2 != 0 {
		return recordResult{}, fmt.Errorf("script on %s: record %T of %d values", key, v[1], len(flat))
	}
	r.rec = make(map[string]string, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		k, _ := flat[i].(string)
		val, _ := flat[i+1].(string)
		r.rec[k] = val
	}
	return r, nil
}
