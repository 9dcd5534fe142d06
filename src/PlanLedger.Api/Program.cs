using PlanLedger.Changes;
using PlanLedger.Infrastructure;
using PlanLedger.Security;
using PlanLedger.Webhooks;

if (DevelopmentTokens.TryRun(args)) return 0;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLedgerStore();
builder.AddLedgerHttp();
builder.AddLedgerSecurity();
builder.AddChangeFeed();
builder.AddWebhooks();

var app = builder.Build();

app.UseLedgerHttp();
app.MapServiceDefaults();

return await app.RunLedgerAsync(args);

public partial class Program;
