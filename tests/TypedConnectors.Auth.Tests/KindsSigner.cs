using System.Security.Cryptography;
using System.Text;
using AuthTests.Kinds;

namespace AuthTests;

/// <summary>
/// The project's implementation of the Kinds connector's custom auth: signs method and path with the connection's
/// signing key. Found by the generator (no TC0040) and used by the generated factory and DI registration.
/// </summary>
public sealed class KindsSigner : IKindsCustomAuth
{
    public static int Created;

    public KindsSigner() => Interlocked.Increment(ref Created);

    public DelegatingHandler CreateSignedHandler(KindsConnection connection) => new SigningHandler(connection.GetValue("signing_key")!);

    public static string Signature(string key, string method, string pathAndQuery) =>
        "sha256="
        + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(method + " " + pathAndQuery)));

    private sealed class SigningHandler(string key) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("X-Signature");
            request.Headers.Add("X-Signature", Signature(key, request.Method.Method, request.RequestUri!.PathAndQuery));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
