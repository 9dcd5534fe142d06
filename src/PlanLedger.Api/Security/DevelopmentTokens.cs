using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PlanLedger.Security;

/// <summary>
/// Mints development tokens for local runs and tests:
/// <c>dotnet run --project src/PlanLedger.Api -- mint-token --role partner-writer --partnership orkney</c>.
/// The signing key comes from Auth__SigningKey or the git-ignored .data/dev-signing-key; none is committed.
/// </summary>
public static class DevelopmentTokens
{
    public const string Issuer = "planledger-dev";
    public const string Audience = "planledger";

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Mint(string signingKey, string client, IEnumerable<string> roles, IEnumerable<string> partnerships,
        string? sourceSystem = null, TimeSpan? lifetime = null, string issuer = Issuer, string audience = Audience)
    {
        var claims = new List<Claim> { new("sub", client), new(Claims.SourceSystem, sourceSystem ?? client) };
        claims.AddRange(roles.Select(r => new Claim(Claims.Role, r)));
        claims.AddRange(partnerships.Select(p => new Claim(Claims.Partnership, p)));
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256);
        var expires = DateTime.UtcNow.Add(lifetime ?? TimeSpan.FromHours(8));
        var notBefore = (expires > DateTime.UtcNow ? DateTime.UtcNow : expires).AddMinutes(-1);
        var token = new JwtSecurityToken(issuer, audience, claims, notBefore, expires, credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>Handles <c>mint-token</c> on the command line; false for any other arguments.</summary>
    public static bool TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "mint-token") return false;
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var roles = args.Select((a, i) => (a, i)).Where(x => x.a == "--role").Select(x => args.ElementAtOrDefault(x.i + 1)).OfType<string>().ToList();
        var partnerships = args.Select((a, i) => (a, i)).Where(x => x.a == "--partnership").Select(x => args.ElementAtOrDefault(x.i + 1)).OfType<string>().ToList();
        var key = Environment.GetEnvironmentVariable("Auth__SigningKey") ?? ReadKeyFile();
        if (key is null || roles.Count == 0 || roles.Except(Roles.All).Any())
        {
            Console.Error.WriteLine("usage: mint-token --role <" + string.Join("|", Roles.All) + "> [--partnership <code>]... [--client <name>] [--hours <n>]");
            Console.Error.WriteLine("       needs Auth__SigningKey or .data/dev-signing-key (deploy/run.sh makes one)");
            Environment.ExitCode = 2;
            return true;
        }
        var hours = double.TryParse(Option("--hours"), out var h) ? h : 8;
        Console.WriteLine(Mint(key, Option("--client") ?? $"{roles[0]}-dev", roles, partnerships, lifetime: TimeSpan.FromHours(hours)));
        return true;
    }

    private static string? ReadKeyFile()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".data", "dev-signing-key");
            if (File.Exists(file)) return File.ReadAllText(file).Trim();
        }
        return null;
    }
}
