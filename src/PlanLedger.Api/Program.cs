using PlanLedger.Infrastructure;
using PlanLedger.Security;

if (DevelopmentTokens.TryRun(args)) return 0;

var builder = WebApplication.CreateBuilder(ServiceDefaults.Options(args));

builder.AddServiceDefaults();
builder.AddLedgerStore();
builder.AddLedgerHttp();
builder.AddLedgerSecurity();
builder.AddHttpHardening();

var app = builder.Build();

app.UseHttpHardening();
app.UseLedgerHttp();
app.MapServiceDefaults();

return await app.RunLedgerAsync(args);

public partial class Program;
