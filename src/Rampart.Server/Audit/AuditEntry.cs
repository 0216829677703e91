using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rampart.Server.Audit;

/// <summary>
/// One line of the tamper-evident audit trail. Each entry's <see cref="Hash"/> covers its own fields
/// and the previous entry's hash, so altering, inserting or deleting a row breaks the chain there.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }

    /// <summary>Position in the chain, 1-based and gapless; assigned when the entry is saved.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    public Guid? UserId { get; set; }

    public Guid? OrganisationId { get; set; }

    /// <summary>How the actor authenticated: <c>session:…</c>, <c>apikey:…</c> or <c>cli</c>.</summary>
    public string? Credential { get; set; }

    public string? ClientIp { get; set; }

    public AuditEvent Event { get; set; }

    /// <summary>What was acted on, e.g. <c>note:0192…</c>.</summary>
    public required string Target { get; set; }

    public AuditOutcome Outcome { get; set; }

    /// <summary>Short, non-sensitive detail (never TLP-marked content).</summary>
    public string? Detail { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";

    /// <summary>
    /// The hash the chain expects for this entry given the previous entry's hash: SHA-256 over every field,
    /// the row id and sequence included, each written as a 4-byte big-endian length and its UTF-8 bytes
    /// (a null field has length -1), so no two different entries serialise alike.
    /// </summary>
    public string ComputeHash(string previousHash)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        using var buffer = new MemoryStream();
        void Field(string? value)
        {
            Span<byte> length = stackalloc byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                buffer.Write(length);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        // Fixed field order and invariant formats: the hash must be reproducible on any node and database.
        Field(HashVersion);
        Field(Id.ToString("D"));
        Field(Sequence.ToString(CultureInfo.InvariantCulture));
        Field(Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        Field(UserId?.ToString("D"));
        Field(OrganisationId?.ToString("D"));
        Field(Credential);
        Field(ClientIp);
        Field(((int)Event).ToString(CultureInfo.InvariantCulture));
        Field(Target);
        Field(((int)Outcome).ToString(CultureInfo.InvariantCulture));
        Field(Detail);
        Field(previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>Names the serialisation, so a future change of fields cannot collide with this one.</summary>
    public const string HashVersion = "rampart-audit-entry-v2";
}

public enum AuditOutcome
{
    Success = 0,
    Denied = 1,
    Failed = 2,
}

/// <summary>Audit event types. Numbers are stable and grouped in blocks of 100 per feature.</summary>
public enum AuditEvent
{
    // 1xx identity and sessions
    LoginSucceeded = 100,
    LoginFailed = 101,
    LoggedOut = 102,
    SignedOutEverywhere = 103,
    PasswordChanged = 104,
    SecondFactorEnabled = 105,
    SecondFactorDisabled = 106,
    RecoveryCodesGenerated = 107,
    AuthenticatorKeyReset = 108,
    UserCreated = 110,
    UserChanged = 111,
    UserDisabled = 112,
    UserListViewed = 113,
    ApiKeyCreated = 120,
    ApiKeyRevoked = 121,
    ApiKeysOfOtherUserViewed = 122,
    LanguageChanged = 130,

    // 14x failed authentication (folded: the first of a source in a window, then at 10, 100, 1000 …)
    LoginThrottled = 140,
    SecondFactorFailed = 141,
    ApiKeyRejected = 142,

    // 2xx organisations and communities
    OrganisationCreated = 200,
    OrganisationChanged = 201,
    CommunityCreated = 210,
    CommunityChanged = 211,
    CommunityMemberAdded = 212,
    CommunityMemberRemoved = 213,
    CommunityMembershipRequested = 220,
    CommunityMembershipDeclined = 221,

    // 3xx node administration
    NodeInitialised = 300,
    AuditLogViewed = 301,
    AuditChainVerified = 302,
    AuditCheckpointWritten = 303,
    AuditCheckpointsExported = 304,

    // 4xx notes
    NoteCreated = 400,
    NoteChanged = 401,
    NoteDeleted = 402,

    // 5xx access decisions
    /// <summary>A request was refused (403) or a direct read by id found nothing the caller may read (404).</summary>
    AccessDenied = 500,
    /// <summary>Summary of further denials of one actor in one folding window (detail: count and window).</summary>
    AccessDeniedRepeated = 501,

    // 56x intelligence webhooks and feeds
    IntelWebhookCreated = 560,
    IntelWebhookChanged = 561,
    IntelWebhookDeleted = 562,
    IntelFeedCreated = 570,
    IntelFeedChanged = 571,
    IntelFeedDeleted = 572,
    // 58x saved CSV mappings (detail: the mapping's name)
    IntelCsvMappingCreated = 580,
    IntelCsvMappingChanged = 581,
    IntelCsvMappingDeleted = 582,
    // 6xx intelligence (issue 9; 5xx was already the access decisions): store and ingest 600–629
    /// <summary>An import job ended (detail: format, TLP, counts).</summary>
    IntelImported = 600,
    IntelRevoked = 601,
    IntelWithdrawn = 602,
    IntelGalaxiesLoaded = 603,
    /// <summary>The owner deleted some versions of an object (detail: which, and the version now current); all of them is <see cref="IntelWithdrawn"/>.</summary>
    IntelVersionsDeleted = 604,
    // 630–659 intelligence read side (issue 9)
    /// <summary>A sighting was reported (target: the indicator's record, or only "anonymous" for an anonymous one).</summary>
    IntelSighted = 630,
    // 59x intelligence exports (issue 9)
    /// <summary>An export of intelligence started (target: format; detail: stated TLP and filter).</summary>
    IntelExported = 590,
    /// <summary>An export ended (detail: how many values or objects it wrote; failed when the client broke it off).</summary>
    IntelExportEnded = 591,

    // 7xx incidents (issue 11)
    IncidentCreated = 700,
    IncidentChanged = 701,
    IncidentStatusChanged = 702,
    IncidentParticipantInvited = 710,
    IncidentInvitationAccepted = 711,
    IncidentInvitationDeclined = 712,
    IncidentJournalEntryAdded = 720,
    IncidentParticipantRemoved = 721,
    IncidentParticipantLeft = 722,
    IncidentObservablesAdded = 723,
    IncidentObservableLinked = 724,
    IncidentObservableUnlinked = 725,
    IncidentMerged = 726,
    IncidentMarkedDuplicate = 727,
    IncidentExported = 729,
    IncidentTaskCreated = 730,
    IncidentTaskWorked = 731,
    IncidentTemplateCreated = 732,
    IncidentTemplateChanged = 733,
    IncidentTemplateDeleted = 734,
    IncidentReportSplitOut = 735,
    IncidentSharingChanged = 736,
    IncidentPrinted = 737,
    /// <summary>The receiving CSIRT's feedback task was opened by an early warning (detail: task, due time).</summary>
    IncidentFeedbackTaskOpened = 738,
    /// <summary>The feedback task was completed by submitting the csirt-feedback stage report (detail: task).</summary>
    IncidentFeedbackTaskCompleted = 739,
    // 740–769 reporting clocks and requests for assistance (issue 11)
    /// <summary>A NIS2 stage report or GDPR breach notification was submitted and frozen (detail: stage, sequence, version).</summary>
    IncidentStageSubmitted = 740,
    /// <summary>An intermediate report was requested (detail: due time).</summary>
    IncidentIntermediateReportRequested = 741,
    /// <summary>A personal-data breach was recorded or changed on an incident (detail: jurisdiction).</summary>
    IncidentDataBreachRecorded = 742,
    IncidentAssistanceRequested = 750,
    IncidentAssistanceAcknowledged = 751,
    IncidentAssistanceAccepted = 752,
    IncidentAssistanceDeclined = 753,
    IncidentAssistanceAnswered = 754,
    IncidentAssistanceWithdrawn = 755,

    // 77x–79x incident reports and attachments (issue 11, intake)
    /// <summary>A report was received (target: report; detail: number and channel).</summary>
    IncidentReportReceived = 770,
    /// <summary>A report was linked to an incident (detail: the incident's number).</summary>
    IncidentReportLinked = 771,
    /// <summary>A report was rejected (detail: the reason).</summary>
    IncidentReportRejected = 772,
    /// <summary>A mailed message was refused (target: the file or message; detail: why). No report was made.</summary>
    IncidentReportMailRefused = 773,
    /// <summary>An attachment was stored (target: report or incident; detail: SHA-256 and size).</summary>
    IncidentAttachmentAdded = 780,
    /// <summary>An attachment was downloaded (target: the attachment; detail: zip when as a sample).</summary>
    IncidentAttachmentDownloaded = 781,

    /// <summary>On an incident's node: a command of a participant living on a peer node (accept, decline, leave) was applied or refused (ADR 17).</summary>
    IncidentPeerCommandApplied = 782,

    /// <summary>A peer node's incident view was refused (an organisation or owner this node does not know as living there).</summary>
    PeerIncidentRefused = 783,

    /// <summary>A person asked the owner's node of a peer incident to accept, decline or leave it for their organisation.</summary>
    PeerIncidentCommandRequested = 784,

    // 790–799 notifications (issue 11)
    /// <summary>An org admin registered a notification webhook (detail: the URL; never the secret).</summary>
    NotificationWebhookCreated = 790,
    NotificationWebhookDeleted = 791,
    /// <summary>A person set their OpenPGP public key (detail: its fingerprint).</summary>
    NotificationPgpKeySet = 792,
    NotificationPgpKeyRemoved = 793,
    /// <summary>The node generated its OpenPGP notification signing key (first start; detail: fingerprint).</summary>
    NotificationNodeKeyGenerated = 794,

    // 130x capacity-building project registry (issue 12)
    CapacityProjectCreated = 1300,
    CapacityProjectChanged = 1301,
    CapacityProjectDeleted = 1302,
    /// <summary>A member of another organisation proposed a change (target: the project).</summary>
    CapacityProjectEditSuggested = 1310,
    CapacityProjectSuggestionAccepted = 1311,
    CapacityProjectSuggestionRejected = 1312,
    /// <summary>Projects imported from CSV (detail: how many).</summary>
    CapacityProjectsImported = 1320,

    // 135x expert and fellowship directory (issue 12)
    /// <summary>A person consented and entered (or changed) their profile in the directory.</summary>
    ExpertProfileSaved = 1350,
    /// <summary>A person withdrew their consent: the profile is deleted.</summary>
    ExpertConsentWithdrawn = 1351,
    ExpertRequestSent = 1360,
    ExpertRequestAccepted = 1361,
    ExpertRequestDeclined = 1362,

    // 120x maturity assessments (issue 12)
    /// <summary>A maturity model version was added (target: model key).</summary>
    MaturityModelAdded = 1200,
    /// <summary>An unused maturity model version was changed, or its translations were.</summary>
    MaturityModelChanged = 1201,
    /// <summary>An assessment was started (target: assessment; detail: type and TLP).</summary>
    MaturityAssessmentCreated = 1210,
    /// <summary>A draft assessment was saved.</summary>
    MaturityAssessmentSaved = 1211,
    /// <summary>An assessment was finished (frozen).</summary>
    MaturityAssessmentFinished = 1212,
    /// <summary>A finished assessment was reopened as a new version.</summary>
    MaturityAssessmentReopened = 1213,
    /// <summary>A draft assessment was deleted.</summary>
    MaturityAssessmentDeleted = 1214,
    /// <summary>Who reads an assessment version changed (detail: TLP and number of audience entries before and after).</summary>
    MaturityAssessmentSharingChanged = 1215,
    /// <summary>A target profile was created or a new version of it saved.</summary>
    MaturityProfileSaved = 1220,
    /// <summary>An organisation opted in or out of the regional comparison.</summary>
    MaturityComparisonOptInChanged = 1230,

    // 140x capacity-building plans (issue 12)
    /// <summary>A plan was created (target: plan; detail: kind and TLP, never the title).</summary>
    CapacityPlanCreated = 1400,
    /// <summary>A plan's title, status, target groups or distribution changed.</summary>
    CapacityPlanChanged = 1401,
    CapacityPlanDeleted = 1402,
    /// <summary>A plan was created from an assessment's gaps against a profile (detail: how many actions).</summary>
    CapacityPlanCreatedFromGaps = 1403,
    CapacityPlanActionAdded = 1410,
    CapacityPlanActionChanged = 1411,
    CapacityPlanActionDeleted = 1412,
    CapacityPlanActionNoteAdded = 1413,
    /// <summary>A campaign, material or indicator of a cyber-hygiene plan was added, changed or removed (detail: what).</summary>
    CapacityPlanHygieneChanged = 1420,
    /// <summary>An indicator's measured value was recorded.</summary>
    CapacityPlanIndicatorMeasured = 1421,
    // 1450–1499 training and skills (issue 12)
    /// <summary>A person's training record was created (target: training-person).</summary>
    TrainingPersonCreated = 1450,
    /// <summary>A person's name, account link or role profiles changed.</summary>
    TrainingPersonChanged = 1451,
    /// <summary>A person's training record was deleted with everything on it (personal data removed).</summary>
    TrainingPersonDeleted = 1452,
    /// <summary>The person withdrew their consent: their training record is deleted (issued certificates stay verifiable, detached).</summary>
    TrainingConsentWithdrawn = 1453,
    /// <summary>Proficiencies were rated (detail: self or manager, how many).</summary>
    TrainingSkillsRated = 1455,
    TrainingCourseCreated = 1460,
    TrainingCourseChanged = 1461,
    TrainingCourseDeleted = 1462,
    TrainingSessionCreated = 1465,
    TrainingSessionDeleted = 1466,
    /// <summary>A person was enrolled in a session, or the attendance changed (detail: status).</summary>
    TrainingEnrolmentSaved = 1470,
    TrainingEnrolmentRemoved = 1471,
    TrainingCertificateAdded = 1475,
    TrainingCertificateDeleted = 1476,
    /// <summary>The node issued a certificate with a verification code for a completed session (detail: certificate and session).</summary>
    TrainingCertificateIssued = 1477,
    TrainingCertificateRevoked = 1478,
    /// <summary>A course owner removed an enrolment in its session (target: the session; another organisation's person is not named).</summary>
    TrainingSeatRemoved = 1479,
    /// <summary>The organisation changed the roles it needs (skills matrix).</summary>
    TrainingNeedsChanged = 1480,
    /// <summary>A file was added as evidence for a parameter of a draft assessment (detail: file, SHA-256, size, parameter).</summary>
    MaturityEvidenceAdded = 1481,
    /// <summary>An evidence file was removed from a draft assessment (detail: file, parameter).</summary>
    MaturityEvidenceRemoved = 1482,
    /// <summary>An evidence file of an assessment was downloaded.</summary>
    MaturityEvidenceDownloaded = 1483,

    // 8xx TAXII (issue 10; 7xx are the incidents of issue 11)
    TaxiiCollectionCreated = 800,
    TaxiiCollectionChanged = 801,
    TaxiiCollectionDeleted = 802,

    // 850–869 federation between nodes (issue 10): the node key, peers, provenance refused on receipt
    /// <summary>The node generated its federation signing key (first start).</summary>
    FederationNodeKeyGenerated = 850,
    FederationPeerRegistered = 851,
    FederationPeerConfirmed = 852,
    /// <summary>An operator typed a fingerprint that is not the peer key's (outcome Failed); the peer stays unconfirmed.</summary>
    FederationPeerConfirmationFailed = 853,
    FederationPeerSuspended = 854,
    FederationPeerResumed = 855,
    FederationPeerRemoved = 856,
    /// <summary>The organisations declared to live on a peer node changed.</summary>
    FederationPeerOrganisationsDeclared = 857,
    /// <summary>An object's provenance was refused on receipt (bad signature, unknown key, loop, an organisation the sender may not speak for …).</summary>
    FederationProvenanceRejected = 860,
    /// <summary>A federation envelope was refused as a whole (unknown or untrusted sender, bad request signature, stale date, replay).</summary>
    FederationEnvelopeRefused = 861,
    /// <summary>A peer's envelope was applied: counts accepted / refused in the detail, never content.</summary>
    FederationEnvelopeReceived = 862,
    /// <summary>A peer withdrew an object it had sent (or stopped sharing it with this node): the copy here is a tombstone.</summary>
    FederationObjectRemovedByPeer = 863,
    /// <summary>A peer deleted some versions of an object it had sent (its owner deleted them): the copy here keeps the others.</summary>
    FederationVersionsRemovedByPeer = 867,
    /// <summary>A peer changed (narrowed) the audience of an object it had sent: the copy's grants follow.</summary>
    FederationAudienceChangedByPeer = 864,
    /// <summary>This node pushed to a peer: counts sent / acknowledged / refused, or the error, in the detail.</summary>
    FederationPushed = 865,
    /// <summary>An operator asked for the records a peer refused to be sent again at the next run.</summary>
    FederationRetryRequested = 866,
    /// <summary>A TAXII client connection was created (never its credentials).</summary>
    TaxiiConnectionCreated = 810,
    TaxiiConnectionChanged = 811,
    TaxiiConnectionDeleted = 812,
    /// <summary>An admin asked for a connection to run now.</summary>
    TaxiiConnectionRunRequested = 813,
    /// <summary>A connection ran (pull and/or push): counts and the error, if any, in the detail.</summary>
    TaxiiConnectionRun = 814,
}
