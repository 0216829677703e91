namespace Rampart.Standards.Stix;

public enum StixKind
{
    DomainObject,
    RelationshipObject,
    CyberObservable,
    Meta,
    Custom,
}

/// <summary>What the STIX 2.1 specification says about one object type: kind, required properties, references, vocabularies.</summary>
public sealed record StixTypeInfo(
    string Type,
    StixKind Kind,
    IReadOnlyList<string> Required,
    IReadOnlyDictionary<string, string[]> References,
    IReadOnlyDictionary<string, string[]> ClosedVocabularies,
    IReadOnlyDictionary<string, string[]> OpenVocabularies,
    IReadOnlyList<string> IdContributing,
    IReadOnlyList<string> Timestamps);

/// <summary>The catalogue of STIX 2.1 object types (STIX 2.1 OS, sections 4–7 and 10).</summary>
public static class StixTypes
{
    /// <summary>Any SDO or SCO (for references that may point at either).</summary>
    public const string AnySdoOrSco = "<sdo|sco>";

    /// <summary>Any SDO.</summary>
    public const string AnySdo = "<sdo>";

    /// <summary>Any object.</summary>
    public const string Any = "<any>";

    /// <summary>Any SCO or SRO (observed-data object_refs, §4.14).</summary>
    public const string AnyScoOrSro = "<sco|sro>";

    // Lazy: the vocabularies below must be initialised before the catalogue is built from them.
    private static readonly Lazy<Dictionary<string, StixTypeInfo>> LazyCatalogue = new(Build);

    private static Dictionary<string, StixTypeInfo> Catalogue => LazyCatalogue.Value;

    public static IReadOnlyCollection<StixTypeInfo> All => Catalogue.Values;

    public static StixTypeInfo? Find(string type) => Catalogue.GetValueOrDefault(type);

    internal static StixTypeInfo? Find(ReadOnlySpan<char> type) => LazyLookup.Value.TryGetValue(type, out var info) ? info : null;

    private static readonly Lazy<Dictionary<string, StixTypeInfo>.AlternateLookup<ReadOnlySpan<char>>> LazyLookup = new(() => Catalogue.GetAlternateLookup<ReadOnlySpan<char>>());

    public static bool IsSdo(string type) => Catalogue.TryGetValue(type, out var t) && t.Kind == StixKind.DomainObject;

    public static bool IsSco(string type) => Catalogue.TryGetValue(type, out var t) && t.Kind == StixKind.CyberObservable;

    public static bool IsSro(string type) => type is "relationship" or "sighting";

    private static Dictionary<string, string[]> Refs(params (string Property, string[] Targets)[] refs) =>
        refs.ToDictionary(r => r.Property, r => r.Targets, StringComparer.Ordinal);

    private static Dictionary<string, string[]> Vocab(params (string Property, string[] Values)[] vocab) =>
        vocab.ToDictionary(v => v.Property, v => v.Values, StringComparer.Ordinal);

    private static readonly Dictionary<string, string[]> None = new(StringComparer.Ordinal);

    // Open vocabularies (STIX 2.1 §10): values outside them are allowed but reported as warnings.
    private static readonly string[] IndustrySectors = ["agriculture", "aerospace", "automotive", "chemical", "commercial", "communications", "construction", "defense", "education", "energy", "entertainment", "financial-services", "government", "government-emergency-services", "government-local", "government-national", "government-public-services", "government-regional", "healthcare", "hospitality-leisure", "infrastructure", "infrastructure-dams", "infrastructure-nuclear", "infrastructure-water", "insurance", "manufacturing", "mining", "non-profit", "pharmaceuticals", "retail", "technology", "telecommunications", "transportation", "utilities"];
    private static readonly string[] AttackMotivations = ["accidental", "coercion", "dominance", "ideology", "notoriety", "organizational-gain", "personal-gain", "personal-satisfaction", "revenge", "unpredictable"];
    private static readonly string[] AttackResourceLevels = ["individual", "club", "contest", "team", "organization", "government"];
    private static readonly string[] ThreatActorRoles = ["agent", "director", "independent", "infrastructure-architect", "infrastructure-operator", "malware-author", "sponsor"];
    private static readonly string[] ThreatActorSophistication = ["none", "minimal", "intermediate", "advanced", "expert", "innovator", "strategic"];
    private static readonly string[] ImplementationLanguages = ["applescript", "bash", "c", "c++", "c#", "go", "java", "javascript", "lua", "objective-c", "perl", "php", "powershell", "python", "ruby", "scala", "swift", "typescript", "visual-basic", "x86-32", "x86-64"];
    private static readonly string[] ProcessorArchitectures = ["alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64"];
    private static readonly string[] MalwareCapabilities = ["accesses-remote-machines", "anti-debugging", "anti-disassembly", "anti-emulation", "anti-memory-forensics", "anti-sandbox", "anti-vm", "captures-input-peripherals", "captures-output-peripherals", "captures-system-state-data", "cleans-traces-of-infection", "commits-fraud", "communicates-with-c2", "compromises-data-availability", "compromises-data-integrity", "compromises-system-availability", "controls-local-machine", "degrades-security-software", "degrades-system-updates", "determines-c2-server", "emails-spam", "escalates-privileges", "evades-av", "exfiltrates-data", "fingerprints-host", "hides-artifacts", "hides-executing-code", "infects-files", "infects-remote-machines", "installs-other-components", "persists-after-system-reboot", "prevents-artifact-access", "prevents-artifact-deletion", "probes-network-environment", "self-modifies", "steals-authentication-credentials", "violates-system-operational-integrity"];

    private static Dictionary<string, StixTypeInfo> Build()
    {
        var createdByAndMarkings = new (string, string[])[] { ("created_by_ref", ["identity"]), ("object_marking_refs", ["marking-definition"]) };
        var types = new List<StixTypeInfo>();

        void Sdo(string type, string[] required, (string, string[])[]? refs = null, Dictionary<string, string[]>? closed = null, Dictionary<string, string[]>? open = null, string[]? timestamps = null) =>
            types.Add(new StixTypeInfo(type, StixKind.DomainObject, required, Refs([.. createdByAndMarkings, .. refs ?? []]), closed ?? None, open ?? None, [], ["created", "modified", .. timestamps ?? []]));

        void Sco(string type, string[] required, string[] idContributing, (string, string[])[]? refs = null, Dictionary<string, string[]>? closed = null, Dictionary<string, string[]>? open = null, string[]? timestamps = null) =>
            types.Add(new StixTypeInfo(type, StixKind.CyberObservable, required, Refs([("object_marking_refs", ["marking-definition"]), .. refs ?? []]), closed ?? None, open ?? None, idContributing, timestamps ?? []));

        Sdo("attack-pattern", ["name"]);
        Sdo("campaign", ["name"], timestamps: ["first_seen", "last_seen"]);
        Sdo("course-of-action", ["name"]);
        Sdo("grouping", ["context", "object_refs"], [("object_refs", [Any])], open: Vocab(("context", ["suspicious-activity", "malware-analysis", "unspecified"])));
        Sdo("identity", ["name"], open: Vocab(("identity_class", ["individual", "group", "system", "organization", "class", "unknown"]), ("sectors", IndustrySectors)));
        Sdo("incident", ["name"]);
        Sdo("indicator", ["pattern", "pattern_type", "valid_from"],
            open: Vocab(("indicator_types", ["anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity", "attribution", "unknown"]),
                        ("pattern_type", ["stix", "pcre", "sigma", "snort", "suricata", "yara"])),
            timestamps: ["valid_from", "valid_until"]);
        Sdo("infrastructure", ["name"], open: Vocab(("infrastructure_types", ["amplification", "anonymization", "botnet", "command-and-control", "control-system", "exfiltration", "firewall", "hosting-malware", "hosting-target-lists", "phishing", "reconnaissance", "routers-switches", "staging", "workstation", "unknown"])), timestamps: ["first_seen", "last_seen"]);
        Sdo("intrusion-set", ["name"], open: Vocab(("resource_level", AttackResourceLevels), ("primary_motivation", AttackMotivations), ("secondary_motivations", AttackMotivations)), timestamps: ["first_seen", "last_seen"]);
        Sdo("location", [], open: Vocab(("region", ["africa", "eastern-africa", "middle-africa", "northern-africa", "southern-africa", "western-africa", "americas", "latin-america-caribbean", "south-america", "caribbean", "central-america", "northern-america", "asia", "central-asia", "eastern-asia", "southern-asia", "south-eastern-asia", "western-asia", "europe", "eastern-europe", "northern-europe", "southern-europe", "western-europe", "oceania", "antarctica", "australia-new-zealand", "melanesia", "micronesia", "polynesia"])));
        Sdo("malware", ["is_family"], [("operating_system_refs", ["software"]), ("sample_refs", ["file", "artifact"])],
            open: Vocab(("malware_types", ["adware", "backdoor", "bot", "bootkit", "ddos", "downloader", "dropper", "exploit-kit", "keylogger", "ransomware", "remote-access-trojan", "resource-exploitation", "rogue-security-software", "rootkit", "screen-capture", "spyware", "trojan", "unknown", "virus", "webshell", "wiper", "worm"]),
                        ("implementation_languages", ImplementationLanguages), ("architecture_execution_envs", ProcessorArchitectures), ("capabilities", MalwareCapabilities)),
            timestamps: ["first_seen", "last_seen"]);
        Sdo("malware-analysis", ["product"], [("host_vm_ref", ["software"]), ("operating_system_ref", ["software"]), ("installed_software_refs", ["software"]), ("analysis_sco_refs", [AnySdoOrSco]), ("sample_ref", ["file", "network-traffic", "artifact"])],
            open: Vocab(("result", ["malicious", "suspicious", "benign", "unknown"])), timestamps: ["analysis_started", "analysis_ended"]);
        Sdo("note", ["content", "object_refs"], [("object_refs", [Any])]);
        Sdo("observed-data", ["first_observed", "last_observed", "number_observed"], [("object_refs", [AnyScoOrSro])], timestamps: ["first_observed", "last_observed"]);
        Sdo("opinion", ["object_refs", "opinion"], [("object_refs", [Any])], closed: Vocab(("opinion", ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"])));
        Sdo("report", ["name", "object_refs", "published"], [("object_refs", [Any])],
            open: Vocab(("report_types", ["attack-pattern", "campaign", "identity", "indicator", "intrusion-set", "malware", "observed-data", "threat-actor", "threat-report", "tool", "vulnerability"])), timestamps: ["published"]);
        Sdo("threat-actor", ["name"], open: Vocab(("threat_actor_types", ["activist", "competitor", "crime-syndicate", "criminal", "hacker", "insider-accidental", "insider-disgruntled", "nation-state", "sensationalist", "spy", "terrorist", "unknown"]),
            ("roles", ThreatActorRoles), ("sophistication", ThreatActorSophistication), ("resource_level", AttackResourceLevels), ("primary_motivation", AttackMotivations), ("secondary_motivations", AttackMotivations), ("personal_motivations", AttackMotivations)), timestamps: ["first_seen", "last_seen"]);
        Sdo("tool", ["name"], open: Vocab(("tool_types", ["denial-of-service", "exploitation", "information-gathering", "network-capture", "credential-exploitation", "remote-access", "vulnerability-scanning", "unknown"])));
        Sdo("vulnerability", ["name"]);

        types.Add(new StixTypeInfo("relationship", StixKind.RelationshipObject, ["relationship_type", "source_ref", "target_ref"],
            Refs([.. createdByAndMarkings, ("source_ref", [AnySdoOrSco]), ("target_ref", [AnySdoOrSco])]), None, None, [], ["created", "modified", "start_time", "stop_time"]));
        types.Add(new StixTypeInfo("sighting", StixKind.RelationshipObject, ["sighting_of_ref"],
            Refs([.. createdByAndMarkings, ("sighting_of_ref", [AnySdo]), ("observed_data_refs", ["observed-data"]), ("where_sighted_refs", ["identity", "location"])]), None, None, [], ["created", "modified", "first_seen", "last_seen"]));

        Sco("artifact", [], ["hashes", "payload_bin"], closed: Vocab(("encryption_algorithm", ["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"])));
        Sco("autonomous-system", ["number"], ["number"]);
        Sco("directory", ["path"], ["path"], [("contains_refs", ["file", "directory"])], timestamps: ["ctime", "mtime", "atime"]);
        Sco("domain-name", ["value"], ["value"], [("resolves_to_refs", ["ipv4-addr", "ipv6-addr", "domain-name"])]);
        Sco("email-addr", ["value"], ["value"], [("belongs_to_ref", ["user-account"])]);
        Sco("email-message", [], ["from_ref", "subject", "body"], [("from_ref", ["email-addr"]), ("sender_ref", ["email-addr"]), ("to_refs", ["email-addr"]), ("cc_refs", ["email-addr"]), ("bcc_refs", ["email-addr"]), ("raw_email_ref", ["artifact"])], timestamps: ["date"]);
        Sco("file", [], ["hashes", "name", "extensions", "parent_directory_ref"], [("parent_directory_ref", ["directory"]), ("contains_refs", [AnySdoOrSco]), ("content_ref", ["artifact"])], timestamps: ["ctime", "mtime", "atime"]);
        Sco("ipv4-addr", ["value"], ["value"], [("resolves_to_refs", ["mac-addr"]), ("belongs_to_refs", ["autonomous-system"])]);
        Sco("ipv6-addr", ["value"], ["value"], [("resolves_to_refs", ["mac-addr"]), ("belongs_to_refs", ["autonomous-system"])]);
        Sco("mac-addr", ["value"], ["value"]);
        Sco("mutex", ["name"], ["name"]);
        Sco("network-traffic", ["protocols"], ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"],
            [("src_ref", ["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]), ("dst_ref", ["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]), ("src_payload_ref", ["artifact"]), ("dst_payload_ref", ["artifact"]), ("encapsulates_refs", ["network-traffic"]), ("encapsulated_by_ref", ["network-traffic"])],
            timestamps: ["start", "end"]);
        Sco("process", [], [], [("opened_connection_refs", ["network-traffic"]), ("creator_user_ref", ["user-account"]), ("image_ref", ["file"]), ("parent_ref", ["process"]), ("child_refs", ["process"])], timestamps: ["created_time"]);
        Sco("software", ["name"], ["name", "cpe", "swid", "vendor", "version"]);
        Sco("url", ["value"], ["value"]);
        Sco("user-account", [], ["account_type", "user_id", "account_login"], open: Vocab(("account_type", ["facebook", "ldap", "nis", "openid", "radius", "skype", "tacacs", "twitter", "unix", "windows-local", "windows-domain"])),
            timestamps: ["account_created", "account_expires", "credential_last_changed", "account_first_login", "account_last_login"]);
        Sco("windows-registry-key", [], ["key", "values"], [("creator_user_ref", ["user-account"])], timestamps: ["modified_time"]);
        Sco("x509-certificate", [], ["hashes", "serial_number"], timestamps: ["validity_not_before", "validity_not_after"]);

        types.Add(new StixTypeInfo("marking-definition", StixKind.Meta, [], Refs(createdByAndMarkings), None, None, [], ["created"]));
        types.Add(new StixTypeInfo("language-content", StixKind.Meta, ["contents", "object_ref"], Refs([.. createdByAndMarkings, ("object_ref", [Any])]), None, None, [], ["created", "modified", "object_modified"]));
        types.Add(new StixTypeInfo("extension-definition", StixKind.Meta, ["extension_types", "name", "schema", "version"], Refs(createdByAndMarkings),
            Vocab(("extension_types", ["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"])), None, [], ["created", "modified"]));

        return types.ToDictionary(t => t.Type, StringComparer.Ordinal);
    }
}
