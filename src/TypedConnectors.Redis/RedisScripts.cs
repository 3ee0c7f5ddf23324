namespace TypedConnectors.Redis;

/// <summary>
/// The server-side scripts. Each runs atomically on the Redis server and reads the time from Redis itself, so the
/// clocks of the client machines never matter.
/// </summary>
internal static class RedisScripts
{
    // A sliding-window log: one sorted-set member per admitted request, scored by its admission time in µs. A request
    // is admitted only while fewer than the limit were admitted in the last window, so no window of that length ever
    // holds more than the limit. Returns 0 when admitted, else the µs until the oldest entry leaves the window.
    // A Redis that lost its data (restarted without persistence) no longer knows what was sent in the last window:
    // a caller that has seen the limiter's marker key before but finds it gone fills the log for one whole window, so
    // the API's window that spans the restart cannot get a second budget.
    // KEYS[1] log, KEYS[2] marker; ARGV[1] limit, ARGV[2] window µs, ARGV[3] permits, ARGV[4] unique member prefix,
    // ARGV[5] '1' when this caller has seen the marker before.
    public const string SlidingWindowAcquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local permits = tonumber(ARGV[3])
        if redis.call('SET', KEYS[2], '1', 'NX') and ARGV[5] == '1' then
          for i = 1, limit do
            redis.call('ZADD', KEYS[1], now, 'data-loss:' .. i)
          end
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count + math.max(permits, 1) <= limit then
          for i = 1, permits do
            redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i)
          end
          redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
          return 0
        end
        local index = count + math.max(permits, 1) - limit - 1
        local entry = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
        local wait = tonumber(entry[2]) + window - now
        if wait < 1 then wait = 1 end
        return wait
        """;

    // A request's log entry moves to the time its response arrived: the API counted it on arrival, somewhere between
    // admission and response, so an entry kept until response + window covers any delay between permit and sending
    // (a stalled process, a slow connection) shorter than the window. KEYS[1] log; ARGV[1] key lifetime ms, ARGV[2..] members.
    public const string SlidingWindowRelease = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        for i = 2, #ARGV do
          redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[i])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 0
        """;

    // Concurrency slots as leases: sorted-set members scored by their expiry time in ms. Expired leases (their holder
    // crashed or froze) are dropped before counting. Returns 0 when the slot is taken, else the ms until the earliest
    // lease would expire. KEYS[1] leases; ARGV[1] limit, ARGV[2] lease ms, ARGV[3] lease id.
    public const string LeaseAcquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local limit = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) < limit then
          redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ttl * 2)
          return 0
        end
        local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        local wait = tonumber(first[2]) - now
        if wait < 1 then wait = 1 end
        return wait
        """;

    // Extends the leases still held (an expired one stays gone: its slot may already be someone else's).
    // Returns how many were extended. KEYS[1] leases; ARGV[1] lease ms, ARGV[2..] lease ids.
    public const string LeaseRenew = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ttl = tonumber(ARGV[1])
        local renewed = 0
        for i = 2, #ARGV do
          local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if score and tonumber(score) > now then
            redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i])
            renewed = renewed + 1
          end
        end
        if renewed > 0 then redis.call('PEXPIRE', KEYS[1], ttl * 2) end
        return renewed
        """;

    // Extends a pause, never shortens it. KEYS[1] pause; ARGV[1] ms.
    public const string CoolDownPause = """
        local ms = tonumber(ARGV[1])
        if redis.call('PTTL', KEYS[1]) < ms then
          redis.call('SET', KEYS[1], '1', 'PX', ms)
        end
        return 0
        """;

    // Takes the renewal lock with a fencing token: a number larger than every earlier holder's and than the version of
    // the stored token (so a Redis that lost its counter still issues larger ones). Returns the fence, or 0 with the
    // lock held by someone else. KEYS[1] lock, KEYS[2] fence counter, KEYS[3] token; ARGV[1] owner, ARGV[2] lock ms.
    public const string LockAcquire = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local fence = redis.call('INCR', KEYS[2])
        local version = tonumber(redis.call('HGET', KEYS[3], 'version') or '0')
        if fence <= version then
          fence = version + 1
          redis.call('SET', KEYS[2], fence)
        end
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
        return fence
        """;

    // Extends the lock while this holder still has it. KEYS[1] lock; ARGV[1] holder value, ARGV[2] lock ms.
    public const string LockRenew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    // Releases the lock if this holder still has it. KEYS[1] lock; ARGV[1] holder value.
    public const string LockRelease = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // Compare-and-set of a renewed token: written only if no newer version is stored and no other holder has the
    // lock, so a holder whose lock expired can never replace a newer rotated refresh token. Returns 1 when written.
    // KEYS[1] token, KEYS[2] lock; ARGV[1] fence, ARGV[2] holder value, ARGV[3] token data.
    public const string TokenCompareAndSet = """
        local fence = tonumber(ARGV[1])
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version >= fence then return 0 end
        local holder = redis.call('GET', KEYS[2])
        if holder and holder ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], 'data', ARGV[3], 'version', fence)
        return 1
        """;

    // An unconditional save (a token from the authorization-code flow, or migrated): a new version above every fence
    // issued so far, so an older renewal still in flight can no longer overwrite it. KEYS[1] token, KEYS[2] fence
    // counter; ARGV[1] token data, or empty to remove the token.
    public const string TokenPut = """
        local fence = redis.call('INCR', KEYS[2])
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if fence <= version then
          fence = version + 1
          redis.call('SET', KEYS[2], fence)
        end
        if ARGV[1] == '' then
          redis.call('HDEL', KEYS[1], 'data')
          redis.call('HSET', KEYS[1], 'version', fence)
        else
          redis.call('HSET', KEYS[1], 'data', ARGV[1], 'version', fence)
        end
        return fence
        """;
}
