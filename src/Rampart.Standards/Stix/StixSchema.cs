namespace Rampart.Standards.Stix;

/// <summary>The JSON shape a property's value must have (STIX 2.1 §2: data types).</summary>
internal enum Shape
{
    Any,
    String,
    Integer,
    Number,
    Boolean,
    Timestamp,
    Identifier,
    Hex,
    Binary,
    Dictionary,
    Hashes,
    Object,
    List,
    Extensions,
}

/// <summary>Value formats that the specification fixes beyond the JSON type (§2, §6).</summary>
internal enum ValueFormat
{
    None,
    Ipv4,
    Ipv6,
    Url,
    EmailAddress,
    MacAddress,
    RegistryKey,
    Cpe,
    LanguageTag,
}

/// <summary>What one property must look like: its shape, and for lists and embedded objects, their items.</summary>
internal sealed class PropertyRule(string name, Shape shape)
{
    public string Name { get; } = name;

    public Shape Shape { get; } = shape;

    /// <summary>For <see cref="Shape.List"/>: the rule for each item.</summary>
    public PropertyRule? Item { get; init; }

    /// <summary>For <see cref="Shape.Object"/>: the embedded type's name (<see cref="StixSchema.Embedded"/>).</summary>
    public string? Embedded { get; init; }

    public ValueFormat Format { get; init; }

    public long Min { get; init; } = long.MinValue;

    public long Max { get; init; } = long.MaxValue;

    // Filled from the type catalogue (StixTypes): reference targets and vocabularies.
    public string[]? References { get; set; }

    public string[]? Closed { get; set; }

    public string[]? Open { get; set; }

    /// <summary>Index into the validator's captured values for rules that look at several properties; −1 for none.</summary>
    public int Slot { get; set; } = -1;
}

/// <summary>The properties of one object type, embedded type or extension.</summary>
internal sealed class ObjectRules(string name, Dictionary<string, PropertyRule> properties, string[] required)
{
    private readonly Dictionary<string, PropertyRule>.AlternateLookup<ReadOnlySpan<char>> lookup = properties.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Name { get; } = name;

    public IReadOnlyDictionary<string, PropertyRule> Properties => properties;

    public string[] Required { get; } = required;

    /// <summary>For each required property, its slot among the captured values (−1 when not captured).</summary>
    public int[] RequiredSlots => requiredSlots ??= Array.ConvertAll(Required, StixSchema.SlotOf);

    private int[]? requiredSlots;

    public PropertyRule? Find(ReadOnlySpan<char> property) => lookup.TryGetValue(property, out var rule) ? rule : null;
}

/// <summary>
/// The property tables of STIX 2.1 (§3.2 common properties, §4 SDOs, §5 SROs, §6 SCOs and their predefined
/// extensions, §7 meta objects, §8 bundle), written as <c>name:shape</c> so that the table reads like the
/// specification's. Shapes: <c>s</c> string, <c>i</c> integer, <c>u</c> non-negative integer, <c>f</c> number,
/// <c>b</c> boolean, <c>ts</c> timestamp, <c>ref</c> identifier, <c>hex</c>, <c>b64</c> binary, <c>dict</c>
/// dictionary, <c>hashes</c>, <c>ext</c> extensions, <c>o:name</c> embedded object, <c>[x]</c> non-empty list
/// of x, <c>any</c>; a format follows a slash (<c>s/url</c>), an integer range follows in parentheses.
/// </summary>
internal static class StixSchema
{
    private const string SdoCommon = "type:s spec_version:s id:ref created_by_ref:ref created:ts modified:ts revoked:b labels:[s] confidence:i(0..100) lang:s/lang external_references:[o:external-reference] object_marking_refs:[ref] granular_markings:[o:granular-marking] extensions:ext";
    private const string ScoCommon = "type:s spec_version:s id:ref object_marking_refs:[ref] granular_markings:[o:granular-marking] defanged:b extensions:ext";

    private static readonly (string Type, string Properties)[] Sdos =
    [
        ("attack-pattern", "name:s description:s aliases:[s] kill_chain_phases:[o:kill-chain-phase]"),
        ("campaign", "name:s description:s aliases:[s] first_seen:ts last_seen:ts objective:s"),
        ("course-of-action", "name:s description:s"),
        ("grouping", "name:s description:s context:s object_refs:[ref]"),
        ("identity", "name:s description:s roles:[s] identity_class:s sectors:[s] contact_information:s"),
        ("incident", "name:s description:s kill_chain_phases:[o:kill-chain-phase]"),
        ("indicator", "name:s description:s indicator_types:[s] pattern:s pattern_type:s pattern_version:s valid_from:ts valid_until:ts kill_chain_phases:[o:kill-chain-phase]"),
        ("infrastructure", "name:s description:s infrastructure_types:[s] aliases:[s] kill_chain_phases:[o:kill-chain-phase] first_seen:ts last_seen:ts"),
        ("intrusion-set", "name:s description:s aliases:[s] first_seen:ts last_seen:ts goals:[s] resource_level:s primary_motivation:s secondary_motivations:[s]"),
        ("location", "name:s description:s latitude:f longitude:f precision:f region:s country:s administrative_area:s city:s street_address:s postal_code:s"),
        ("malware", "name:s description:s malware_types:[s] is_family:b aliases:[s] kill_chain_phases:[o:kill-chain-phase] first_seen:ts last_seen:ts operating_system_refs:[ref] architecture_execution_envs:[s] implementation_languages:[s] capabilities:[s] sample_refs:[ref]"),
        ("malware-analysis", "product:s version:s host_vm_ref:ref operating_system_ref:ref installed_software_refs:[ref] configuration_version:s modules:[s] analysis_engine_version:s analysis_definition_version:s submitted:ts analysis_started:ts analysis_ended:ts result_name:s result:s analysis_sco_refs:[ref] sample_ref:ref"),
        ("note", "abstract:s content:s authors:[s] object_refs:[ref]"),
        ("observed-data", "first_observed:ts last_observed:ts number_observed:i(1..999999999) objects:dict object_refs:[ref]"),
        ("opinion", "explanation:s authors:[s] opinion:s object_refs:[ref]"),
        ("report", "name:s description:s report_types:[s] published:ts object_refs:[ref]"),
        ("threat-actor", "name:s description:s threat_actor_types:[s] aliases:[s] first_seen:ts last_seen:ts roles:[s] goals:[s] sophistication:s resource_level:s primary_motivation:s secondary_motivations:[s] personal_motivations:[s]"),
        ("tool", "name:s description:s tool_types:[s] aliases:[s] kill_chain_phases:[o:kill-chain-phase] tool_version:s"),
        ("vulnerability", "name:s description:s"),
        ("relationship", "relationship_type:s description:s source_ref:ref target_ref:ref start_time:ts stop_time:ts"),
        ("sighting", "description:s first_seen:ts last_seen:ts count:i(0..999999999) sighting_of_ref:ref observed_data_refs:[ref] where_sighted_refs:[ref] summary:b"),
        ("language-content", "object_ref:ref object_modified:ts contents:dict"),
        ("extension-definition", "name:s description:s schema:s version:s extension_types:[s] extension_properties:[s]"),
    ];

    private static readonly (string Type, string Properties)[] Scos =
    [
        ("artifact", "mime_type:s payload_bin:b64 url:s/url hashes:hashes encryption_algorithm:s decryption_key:s"),
        ("autonomous-system", "number:i(0..4294967295) name:s rir:s"),
        ("directory", "path:s path_enc:s ctime:ts mtime:ts atime:ts contains_refs:[ref]"),
        ("domain-name", "value:s resolves_to_refs:[ref]"),
        ("email-addr", "value:s/email display_name:s belongs_to_ref:ref"),
        ("email-message", "is_multipart:b date:ts content_type:s from_ref:ref sender_ref:ref to_refs:[ref] cc_refs:[ref] bcc_refs:[ref] message_id:s subject:s received_lines:[s] additional_header_fields:dict body:s body_multipart:[o:email-mime-part] raw_email_ref:ref"),
        ("file", "hashes:hashes size:u name:s name_enc:s magic_number_hex:hex mime_type:s ctime:ts mtime:ts atime:ts parent_directory_ref:ref contains_refs:[ref] content_ref:ref"),
        ("ipv4-addr", "value:s/ipv4 resolves_to_refs:[ref] belongs_to_refs:[ref]"),
        ("ipv6-addr", "value:s/ipv6 resolves_to_refs:[ref] belongs_to_refs:[ref]"),
        ("mac-addr", "value:s/mac"),
        ("mutex", "name:s"),
        ("network-traffic", "start:ts end:ts is_active:b src_ref:ref dst_ref:ref src_port:i(0..65535) dst_port:i(0..65535) protocols:[s] src_byte_count:u dst_byte_count:u src_packets:u dst_packets:u ipfix:dict src_payload_ref:ref dst_payload_ref:ref encapsulates_refs:[ref] encapsulated_by_ref:ref"),
        ("process", "is_hidden:b pid:i created_time:ts cwd:s command_line:s environment_variables:dict opened_connection_refs:[ref] creator_user_ref:ref image_ref:ref parent_ref:ref child_refs:[ref]"),
        ("software", "name:s cpe:s/cpe swid:s languages:[s/lang] vendor:s version:s"),
        ("url", "value:s/url"),
        ("user-account", "user_id:s credential:s account_login:s account_type:s display_name:s is_service_account:b is_privileged:b can_escalate_privs:b is_disabled:b account_created:ts account_expires:ts credential_last_changed:ts account_first_login:ts account_last_login:ts"),
        ("windows-registry-key", "key:s/registry values:[o:windows-registry-value] modified_time:ts creator_user_ref:ref number_of_subkeys:u"),
        ("x509-certificate", "is_self_signed:b hashes:hashes version:s serial_number:s signature_algorithm:s issuer:s validity_not_before:ts validity_not_after:ts subject:s subject_public_key_algorithm:s subject_public_key_modulus:s subject_public_key_exponent:u x509_v3_extensions:o:x509-v3-extensions"),
    ];

    /// <summary>Embedded types and the predefined extensions (§2.5, §2.7, §3.3, §6, §7.2).</summary>
    private static readonly (string Name, string Properties, string[] Required)[] EmbeddedTypes =
    [
        ("external-reference", "source_name:s description:s url:s/url hashes:hashes external_id:s", ["source_name"]),
        ("kill-chain-phase", "kill_chain_name:s phase_name:s", ["kill_chain_name", "phase_name"]),
        ("granular-marking", "lang:s/lang marking_ref:ref selectors:[s]", ["selectors"]),
        ("email-mime-part", "body:s body_raw_ref:ref content_type:s content_disposition:s", []),
        ("windows-registry-value", "name:s data:s data_type:s", []),
        ("x509-v3-extensions", "basic_constraints:s name_constraints:s policy_constraints:s key_usage:s extended_key_usage:s subject_key_identifier:s authority_key_identifier:s subject_alternative_name:s issuer_alternative_name:s subject_directory_attributes:s crl_distribution_points:s inhibit_any_policy:s private_key_usage_period_not_before:ts private_key_usage_period_not_after:ts certificate_policies:s policy_mappings:s", []),
        ("alternate-data-stream", "name:s hashes:hashes size:u", ["name"]),
        ("windows-pe-optional-header", "magic_hex:hex major_linker_version:u minor_linker_version:u size_of_code:u size_of_initialized_data:u size_of_uninitialized_data:u address_of_entry_point:u base_of_code:u base_of_data:u image_base:u section_alignment:u file_alignment:u major_os_version:u minor_os_version:u major_image_version:u minor_image_version:u major_subsystem_version:u minor_subsystem_version:u win32_version_value_hex:hex size_of_image:u size_of_headers:u checksum_hex:hex subsystem_hex:hex dll_characteristics_hex:hex size_of_stack_reserve:u size_of_stack_commit:u size_of_heap_reserve:u size_of_heap_commit:u loader_flags_hex:hex number_of_rva_and_sizes:u hashes:hashes", []),
        ("windows-pe-section", "name:s size:u entropy:f hashes:hashes", ["name"]),
        ("archive-ext", "contains_refs:[ref] comment:s", ["contains_refs"]),
        ("ntfs-ext", "sid:s alternate_data_streams:[o:alternate-data-stream]", []),
        ("pdf-ext", "version:s is_optimized:b document_info_dict:dict pdfid0:s pdfid1:s", []),
        ("raster-image-ext", "image_height:u image_width:u bits_per_pixel:u exif_tags:dict", []),
        ("windows-pebinary-ext", "pe_type:s imphash:s machine_hex:hex number_of_sections:u time_date_stamp:ts pointer_to_symbol_table_hex:hex number_of_symbols:u size_of_optional_header:u characteristics_hex:hex file_header_hashes:hashes optional_header:o:windows-pe-optional-header sections:[o:windows-pe-section]", ["pe_type"]),
        ("http-request-ext", "request_method:s request_value:s request_version:s request_header:dict message_body_length:u message_body_data_ref:ref", ["request_method", "request_value"]),
        ("icmp-ext", "icmp_type_hex:hex icmp_code_hex:hex", ["icmp_type_hex", "icmp_code_hex"]),
        ("socket-ext", "address_family:s is_blocking:b is_listening:b options:dict socket_type:s socket_descriptor:u socket_handle:i", ["address_family"]),
        ("tcp-ext", "src_flags_hex:hex dst_flags_hex:hex", []),
        ("unix-account-ext", "gid:i groups:[s] home_dir:s shell:s", []),
        ("windows-process-ext", "aslr_enabled:b dep_enabled:b priority:s owner_sid:s window_title:s startup_info:dict integrity_level:s", []),
        ("windows-service-ext", "service_name:s descriptions:[s] display_name:s group_name:s start_type:s service_dll_refs:[ref] service_type:s service_status:s", []),
    ];

    /// <summary>Which SCO type each predefined extension belongs to (§6).</summary>
    public static readonly IReadOnlyDictionary<string, string> PredefinedExtensions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["archive-ext"] = "file", ["ntfs-ext"] = "file", ["pdf-ext"] = "file", ["raster-image-ext"] = "file", ["windows-pebinary-ext"] = "file",
        ["http-request-ext"] = "network-traffic", ["icmp-ext"] = "network-traffic", ["socket-ext"] = "network-traffic", ["tcp-ext"] = "network-traffic",
        ["unix-account-ext"] = "user-account", ["windows-process-ext"] = "process", ["windows-service-ext"] = "process",
    };

    /// <summary>Reference targets and closed enumerations inside embedded types and extensions (§6, §10).</summary>
    private static readonly (string Embedded, string Property, string[]? References, string[]? Closed, string[]? Open)[] EmbeddedVocabularies =
    [
        ("granular-marking", "marking_ref", ["marking-definition"], null, null),
        ("email-mime-part", "body_raw_ref", ["artifact", "file"], null, null),
        ("archive-ext", "contains_refs", ["file", "directory"], null, null),
        ("http-request-ext", "message_body_data_ref", ["artifact"], null, null),
        ("windows-service-ext", "service_dll_refs", ["file"], null, null),
        ("windows-registry-value", "data_type", null, ["REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTION", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD", "REG_INVALID_TYPE"], null),
        ("socket-ext", "address_family", null, ["AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH"], null),
        ("socket-ext", "socket_type", null, ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"], null),
        ("windows-process-ext", "integrity_level", null, ["low", "medium", "high", "system"], null),
        ("windows-service-ext", "start_type", null, ["SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START", "SERVICE_DISABLED", "SERVICE_SYSTEM_ALERT"], null),
        ("windows-service-ext", "service_type", null, ["SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER", "SERVICE_WIN32_OWN_PROCESS", "SERVICE_WIN32_SHARE_PROCESS"], null),
        ("windows-service-ext", "service_status", null, ["SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING", "SERVICE_START_PENDING", "SERVICE_STOP_PENDING", "SERVICE_STOPPED"], null),
        ("windows-pebinary-ext", "pe_type", null, null, ["dll", "exe", "sys"]),
    ];

    /// <summary>Properties that rules spanning several properties read; the validator captures them while it walks the object once.</summary>
    public static readonly string[] Captured =
    [
        "created", "modified", "first_seen", "last_seen", "valid_from", "valid_until", "start_time", "stop_time", "first_observed", "last_observed",
        "pattern", "pattern_type", "is_family", "name", "payload_bin", "url", "hashes", "encryption_algorithm", "decryption_key", "latitude", "longitude",
        "region", "country", "objects", "object_refs", "src_ref", "dst_ref", "start", "end", "is_active", "definition_type", "definition", "extensions",
        "object_marking_refs", "granular_markings", "relationship_type", "spec_version", "analysis_started", "analysis_ended", "validity_not_before", "validity_not_after",
        "id", "key", "value", "number", "protocols", "path", "is_multipart", "body", "body_multipart", "content", "contents", "object_ref", "sighting_of_ref",
        "source_ref", "target_ref", "opinion", "product", "published", "context", "extension_types", "schema", "version", "number_observed",
    ];

    private static readonly Lazy<Catalogue> LazyCatalogue = new(Build);

    public static ObjectRules? ForType(string type) => LazyCatalogue.Value.Types.GetValueOrDefault(type);

    public static ObjectRules Embedded(string name) => LazyCatalogue.Value.Embedded[name];

    /// <summary>Common properties of an object whose type is not in the specification: SDO/SRO ones, or SCO ones for a new-sco extension.</summary>
    public static ObjectRules CustomObject => LazyCatalogue.Value.CustomSdo;

    public static ObjectRules CustomObservable => LazyCatalogue.Value.CustomSco;

    public static ObjectRules Bundle => LazyCatalogue.Value.Bundle;

    public static int SlotOf(string property) => Array.IndexOf(Captured, property);

    private sealed record Catalogue(Dictionary<string, ObjectRules> Types, Dictionary<string, ObjectRules> Embedded, ObjectRules CustomSdo, ObjectRules CustomSco, ObjectRules Bundle);

    private static Catalogue Build()
    {
        var embedded = new Dictionary<string, ObjectRules>(StringComparer.Ordinal);
        foreach (var (name, properties, required) in EmbeddedTypes)
        {
            embedded[name] = Rules(name, properties, required, slots: false);
        }

        foreach (var (name, property, references, closed, open) in EmbeddedVocabularies)
        {
            var rule = embedded[name].Properties[property];
            var target = rule.Item ?? rule;
            target.References = references;
            target.Closed = closed;
            target.Open = open;
        }

        var types = new Dictionary<string, ObjectRules>(StringComparer.Ordinal);
        foreach (var (type, properties) in Sdos)
        {
            types[type] = Rules(type, SdoCommon + " " + properties, [], slots: true);
        }

        foreach (var (type, properties) in Scos)
        {
            types[type] = Rules(type, ScoCommon + " " + properties, [], slots: true);
        }

        types["marking-definition"] = Rules("marking-definition",
            "type:s spec_version:s id:ref created_by_ref:ref created:ts external_references:[o:external-reference] object_marking_refs:[ref] granular_markings:[o:granular-marking] extensions:ext name:s definition_type:s definition:dict", [], slots: true);

        // Reference targets, vocabularies and required properties come from the type catalogue.
        foreach (var (type, rules) in types)
        {
            var info = StixTypes.Find(type)!;
            foreach (var (property, targets) in info.References)
            {
                SetOn(rules, property, r => r.References = targets);
            }

            foreach (var (property, values) in info.ClosedVocabularies)
            {
                SetOn(rules, property, r => r.Closed = values);
            }

            foreach (var (property, values) in info.OpenVocabularies)
            {
                SetOn(rules, property, r => r.Open = values);
            }

            types[type] = new ObjectRules(type, new Dictionary<string, PropertyRule>(rules.Properties, StringComparer.Ordinal), [.. info.Required]);
        }

        var customSdo = Rules("custom", SdoCommon, [], slots: true);
        var customSco = Rules("custom", ScoCommon, [], slots: true);
        foreach (var rules in new[] { customSdo, customSco })
        {
            SetOn(rules, "created_by_ref", r => r.References = ["identity"]);
            SetOn(rules, "object_marking_refs", r => r.References = ["marking-definition"]);
        }

        var bundle = Rules("bundle", "type:s id:ref objects:[any]", [], slots: false);
        return new Catalogue(types, embedded, customSdo, customSco, bundle);
    }

    private static void SetOn(ObjectRules rules, string property, Action<PropertyRule> set)
    {
        if (rules.Properties.TryGetValue(property, out var rule))
        {
            set(rule.Item ?? rule);
        }
    }

    private static ObjectRules Rules(string name, string text, string[] required, bool slots)
    {
        var properties = new Dictionary<string, PropertyRule>(StringComparer.Ordinal);
        foreach (var entry in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var property = entry[..colon];
            var rule = ParseShape(property, entry[(colon + 1)..]);
            if (slots)
            {
                rule.Slot = SlotOf(property);
            }

            properties[property] = rule;
        }

        return new ObjectRules(name, properties, required);
    }

    private static PropertyRule ParseShape(string property, string shape)
    {
        if (shape.StartsWith('['))
        {
            return new PropertyRule(property, Shape.List) { Item = ParseShape(property, shape[1..^1]) };
        }

        if (shape.StartsWith("o:", StringComparison.Ordinal))
        {
            return new PropertyRule(property, Shape.Object) { Embedded = shape[2..] };
        }

        var format = ValueFormat.None;
        var slash = shape.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            format = shape[(slash + 1)..] switch
            {
                "ipv4" => ValueFormat.Ipv4,
                "ipv6" => ValueFormat.Ipv6,
                "url" => ValueFormat.Url,
                "email" => ValueFormat.EmailAddress,
                "mac" => ValueFormat.MacAddress,
                "registry" => ValueFormat.RegistryKey,
                "cpe" => ValueFormat.Cpe,
                "lang" => ValueFormat.LanguageTag,
                var other => throw new InvalidOperationException($"Unknown format {other} in the STIX schema table."),
            };
            shape = shape[..slash];
        }

        long min = long.MinValue, max = long.MaxValue;
        var paren = shape.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0)
        {
            var range = shape[(paren + 1)..^1].Split("..");
            min = long.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            max = long.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture);
            shape = shape[..paren];
        }

        if (shape == "u")
        {
            min = 0;
        }

        var kind = shape switch
        {
            "s" => Shape.String,
            "i" or "u" => Shape.Integer,
            "f" => Shape.Number,
            "b" => Shape.Boolean,
            "ts" => Shape.Timestamp,
            "ref" => Shape.Identifier,
            "hex" => Shape.Hex,
            "b64" => Shape.Binary,
            "dict" => Shape.Dictionary,
            "hashes" => Shape.Hashes,
            "ext" => Shape.Extensions,
            "any" => Shape.Any,
            var other => throw new InvalidOperationException($"Unknown shape {other} in the STIX schema table."),
        };
        return new PropertyRule(property, kind) { Format = format, Min = min, Max = max };
    }
}
