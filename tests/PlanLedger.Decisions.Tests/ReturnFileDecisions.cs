using PlanLedger.Actions;
using PlanLedger.Ledger;
using PlanLedger.Plans;
using PlanLedger.Returns;
using static PlanLedger.Decisions.Tests.Specification;

namespace PlanLedger.Decisions.Tests;

public sealed class ReturnFileDecisions
{
    private const string Header = "Reference,Heading,Action,Status,Update,Next Steps,Timescale\r\n";
    private static readonly PlanRecord Plan = PlanDecisions.APlanWithHeadingKF1();
    private static readonly Dictionary<string, ActionRecord> Actions = new()
    {
        ["1.1"] = Given<ActionRecord>(ActionDecisions.Key, ActionDecisions.Added() with { Plan = "msg-plan" })
    };

    private static CsvReader Csv(string text) => new(new StringReader(text));

    [Fact]
    public void an_edited_row_becomes_a_return_item_and_an_unchanged_row_none()
    {
        var reading = ReturnFile.Read(Csv(Header + "1.1,KF1,Review the workforce plan,'=GREEN,Published,,January 2020 IJB\r\n"), "November 2020", Today, Plan, Actions);
        reading.Problems.ShouldHaveSingleItem().Column.ShouldBe("Status", "a guarded formula is text, and '=GREEN' is no status");

        reading = ReturnFile.Read(Csv(Header + "1.1,KF1,Review the workforce plan,green,Published,,January 2020 IJB\r\n"), "November 2020", Today, Plan, Actions);
        reading.Problems.ShouldBeEmpty();
        reading.Return.ShouldBeTheSameAs(new PostReturn("November 2020",
            [new ReturnItem("1.1", ProgressUpdate: new RecordProgressUpdate("November 2020", "Published", null, DeliveryStatus.Green))], Today));
        reading.ItemRows.ShouldBe([2]);

        ReturnFile.Read(Csv(Header + "1.1,KF1,Review the workforce plan,AMBER,,,January 2020 IJB\r\n"), "November 2020", Today, Plan, Actions)
            .Return!.Items.ShouldBeEmpty();
    }
}
