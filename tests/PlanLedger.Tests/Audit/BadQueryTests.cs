using static PlanLedger.Tests.Audit.InspectionStory;

namespace PlanLedger.Tests.Audit;

public sealed class BadQueryTests(LedgerHost host) : LedgerTest(host)
{
    private static readonly string PlanPath = $"/partnerships/{Partnership}/plans/{Plan}";

    public static TheoryData<string, string> BadQueries => new()
    {
        { $"{ActionUrl}?asOf=last-tuesday", "asOf" },
        { $"{ActionUrl}?effectiveOn=2020-13-45", "effectiveOn" },
        { $"{ActionUrl}?version=0", "version" },
        { $"{ActionUrl}?version=two", "version" },
        { $"{PlanPath}?version=-1", "version" },
        { $"{PlanPath}/actions?asOf=yesterday", "asOf" },
        { $"{PlanPath}/actions?status=Purple", "status" },
        { $"{PlanPath}/actions?overdue=maybe", "overdue" },
        { $"{PlanPath}/summary?effectiveOn=30/11/2020x", "effectiveOn" },
        { $"{PlanPath}/board-report?asOf=2020-11-30T25:00:00Z", "asOf" },
        { $"{PlanPath}/board-report?format=docx", "format" },
        { $"{ActionUrl}/history?page=0", "page" },
        { $"{ActionUrl}/history?page=abc", "page" },
        { $"{ActionUrl}/history?pageSize=501", "pageSize" },
        { $"{ActionUrl}/history?pageSize=0", "pageSize" },
        { $"/partnerships/{Partnership}/self-assessments/2.3/history?pageSize=1000", "pageSize" }
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task bad_query_input_gets_a_problem_400_naming_the_parameter_never_a_500(string path, string parameter)
    {
        await ScriptAsync(Host);
        var problem = await (await Auditor(Host).GetAsync(path)).Problem(400);
        problem["parameter"].Text().ShouldBe(parameter);
    }
}
