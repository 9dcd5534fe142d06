namespace PlanLedger.Ledger;

/// <summary>Delivery status (RAG), from the Perth &amp; Kinross key; Blue means completed.</summary>
public enum DeliveryStatus
{
    /// <summary>Not progressing.</summary>
    Red,
    /// <summary>On track but further work required.</summary>
    Amber,
    /// <summary>Will complete as per timescale.</summary>
    Green,
    /// <summary>Completed.</summary>
    Blue
}

/// <summary>The MSG self-assessment scale, in order.</summary>
public enum Rating
{
    NotYetEstablished = 0,
    PartlyEstablished = 1,
    Established = 2,
    Exemplary = 3
}

public enum PlanKind
{
    MsgSelfEvaluation,
    MsgImprovementActionPlan,
    InspectionImprovementPlan,
    StrategicCommissioningPlan
}

public enum PlanStatus
{
    Draft,
    Approved,
    Superseded
}

public enum HeadingKind
{
    /// <summary>An MSG proposal of the national framework (e.g. 2.3).</summary>
    MsgProposal,
    /// <summary>A joint-inspection priority ("1. Improve its approaches to performance measurement…").</summary>
    InspectionPriority,
    /// <summary>A strategic plan's key action or priority.</summary>
    StrategicPriority
}

/// <summary>How an action stopped being live, if it has.</summary>
public enum ActionClosure
{
    Open,
    Completed,
    Withdrawn,
    Superseded
}

/// <summary>A lead: a named person and/or a role, possibly with their organisation ("Ian Lorimer (AC)", "Head of Health", "EMT").</summary>
public sealed record Lead(string? Name, string? Role, string? Organisation)
{
    public override string ToString() =>
        string.Join(", ", new[] { Name, Role }.Where(s => !string.IsNullOrWhiteSpace(s)))
        + (string.IsNullOrWhiteSpace(Organisation) ? "" : $" ({Organisation})");
}

/// <summary>A milestone of an action: description, due date (structured and as written), done or not.</summary>
public sealed record Milestone(int Number, string Description, DateOnly? Due, string? DueText, bool Done, DateOnly? CompletedOn);
