using PlanLedger.Actions;
using PlanLedger.Audit;
using PlanLedger.Changes;
using PlanLedger.Infrastructure;
using PlanLedger.National;
using PlanLedger.Partnerships;
using PlanLedger.Plans;
using PlanLedger.Reports;
using PlanLedger.Returns;
using PlanLedger.Security;
using PlanLedger.SelfAssessments;
using PlanLedger.Web;
using PlanLedger.Webhooks;

if (DevelopmentTokens.TryRun(args)) return 0;

var builder = WebApplication.CreateBuilder(ServiceDefaults.Options(args));

builder.AddServiceDefaults();
builder.AddLedgerStore(PlanLedger.Modules.All);
builder.AddLedgerHttp();
builder.AddLedgerSecurity();
builder.AddHttpHardening();
builder.AddWebScreens();
builder.AddChangeFeed();
builder.AddWebhooks();

var app = builder.Build();

app.UseHttpHardening();
app.UseWebScreens();
app.UseLedgerHttp();
app.MapServiceDefaults();

return await app.RunLedgerAsync(args);

public partial class Program;

namespace PlanLedger
{
    /// <summary>The ledger's features, each registering its own store configuration and services.</summary>
    public static class Modules
    {
        public static readonly IReadOnlyList<ILedgerModule> All =
        [
            new PartnershipsModule(),
            new PlansModule(),
            new ActionsModule(),
            new SelfAssessmentsModule(),
            new AuditModule(),
            new NationalModule(),
            new ReportsModule(),
            new ReturnsModule()
        ];
    }
}
