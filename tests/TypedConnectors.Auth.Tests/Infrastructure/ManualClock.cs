namespace AuthTests.Infrastructure;

/// <summary>
/// A clock the test moves by hand. Only "now" is faked: timers and timestamps stay real, so request timeouts still work
/// while token expiry is fully under the test's control (shared by the client and the authorization server).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public ManualClock()
        : this(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
