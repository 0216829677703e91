namespace Rampart.Standards.Incidents;

/// <summary>A reporting obligation with a clock: the NIS2 Art. 23 stages, the CSIRT's feedback duty and the GDPR Art. 33 notification.</summary>
public enum ReportingStage
{
    /// <summary>NIS2 Art. 23(4)(a): within 24 h of becoming aware of the significant incident.</summary>
    EarlyWarning = 1,

    /// <summary>NIS2 Art. 23(4)(b): within 72 h of awareness; 24 h for trust service providers (Art. 23(4), second subparagraph).</summary>
    IncidentNotification = 2,

    /// <summary>NIS2 Art. 23(4)(c): on request of the CSIRT or the competent authority, due when the request says.</summary>
    IntermediateReport = 3,

    /// <summary>NIS2 Art. 23(4)(e): instead of the final report when the incident is still ongoing one month after the notification.</summary>
    ProgressReport = 4,

    /// <summary>NIS2 Art. 23(4)(d)/(e): one month after the notification was submitted, or one month after handling ended.</summary>
    FinalReport = 5,

    /// <summary>NIS2 Art. 23(5): the receiving CSIRT's initial feedback, within 24 h of receiving the early warning.</summary>
    CsirtFeedback = 6,

    /// <summary>GDPR Art. 33(1) (or the national law that mirrors it): notification of a personal-data breach to the data-protection authority.</summary>
    DataBreachNotification = 7,
}

/// <summary>Who owes a stage.</summary>
public enum StageObligee
{
    /// <summary>The affected entity (it reports to the CSIRT or competent authority).</summary>
    Entity = 1,

    /// <summary>The CSIRT (or competent authority) that received the early warning.</summary>
    ReceivingCsirt = 2,

    /// <summary>The controller of the breached personal data (it notifies the data-protection authority).</summary>
    Controller = 3,
}

/// <summary>
/// Where a stage stands at a given instant. The numeric order is the order in time: for fixed facts a stage's
/// state never goes back to a lower value as the instant moves forward (tested as a property).
/// </summary>
public enum DeadlineState
{
    /// <summary>The clock has not started: it waits for another stage or an event (see <see cref="StageStatus.WaitingFor"/>).</summary>
    Waiting = 0,

    /// <summary>Running, more than the due-soon window left.</summary>
    NotDueYet = 1,

    /// <summary>Running, the due time is within the due-soon window (default 6 h).</summary>
    DueSoon = 2,

    /// <summary>Past the due time and not submitted.</summary>
    Overdue = 3,

    /// <summary>Submitted at or before the due time.</summary>
    SubmittedOnTime = 4,

    /// <summary>Submitted after the due time.</summary>
    SubmittedLate = 5,
}

/// <summary>The NIS2 entity kinds that change a deadline. Everything else is <see cref="Other"/>.</summary>
public enum NisEntityKind
{
    /// <summary>Any essential or important entity without a special deadline.</summary>
    Other = 0,

    /// <summary>A trust service provider: the incident notification is due 24 h after awareness (Art. 23(4), second subparagraph).</summary>
    TrustServiceProvider = 1,
}
