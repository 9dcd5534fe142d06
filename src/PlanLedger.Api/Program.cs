using PlanLedger.Infrastructure;
using PlanLedger.Security;
using PlanLedger.Web;

if (DevelopmentTokens.TryRun(args)) return 0;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLedgerStore();
builder.AddLedgerHttp();
builder.AddLedgerSecurity();
builder.AddWebScreens();

var app = builder.Build();

app.UseWebScreens();
app.UseLedgerHttp();
app.MapServiceDefaults();

return await app.RunLedgerAsync(args);

public partial class Program;
