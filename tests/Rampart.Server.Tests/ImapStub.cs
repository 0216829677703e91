using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Rampart.Server.Tests;

/// <summary>
/// An in-process IMAP4rev1 server (no TLS) with just what MailKit sends to read an intake mailbox: CAPABILITY, LOGIN,
/// LIST/LSUB, SELECT/EXAMINE, UID SEARCH (flag criteria), UID FETCH (UID, FLAGS, RFC822.SIZE, BODY[]/BODY.PEEK[]),
/// UID STORE, UID COPY, UID MOVE (when <see cref="SupportsMove"/>), UID EXPUNGE, EXPUNGE, CLOSE, NOOP, LOGOUT. Every
/// command lands in <see cref="Commands"/> (the password masked); anything else is answered BAD, so a client that needs
/// more shows up as a failure, not as silence. <see cref="DropAfterBodyFetches"/> closes the connection right after the
/// n-th message body it sent, as a server or network going away halfway through a run.
/// </summary>
public sealed partial class ImapStub : IAsyncDisposable
{
    public const string Inbox = "INBOX";

    private const uint UidValidity = 20261102;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<StoredMessage>> folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> uidNext = new(StringComparer.Ordinal);
    private int bodiesSent;

    public ImapStub()
    {
        Reset();
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string User { get; set; } = "intake";

    /// <summary>The password the server takes now (a test changes it to play a rotated or wrong password).</summary>
    public string Password { get; set; } = "";

    /// <summary>Advertise and answer UID MOVE (RFC 6851); without it a client copies, flags \Deleted and expunges.</summary>
    public bool SupportsMove { get; set; } = true;

    /// <summary>When set: the connection is closed right after the n-th message body sent over all connections.</summary>
    public int? DropAfterBodyFetches { get; set; }

    /// <summary>Every command received, in order ("LOGIN intake ***" for a login).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>The uids (of any folder) whose body was sent.</summary>
    public ConcurrentQueue<uint> BodiesSent { get; } = new();

    public string Transcript => string.Join(" | ", Commands);

    /// <summary>Removes every folder but an empty inbox and empties the logs; the settings return to their defaults (password "s3cret", MOVE, no drop).</summary>
    public void Reset()
    {
        lock (gate)
        {
            // Uids keep growing across resets, as a server's do (same UIDVALIDITY): a uid names one message for the whole run.
            folders.Clear();
            folders[Inbox] = [];
            uidNext.TryAdd(Inbox, 1);
            bodiesSent = 0;
        }

        Password = "s3cret";
        SupportsMove = true;
        DropAfterBodyFetches = null;
        Commands.Clear();
        BodiesSent.Clear();
    }

    /// <summary>Adds a folder (e.g. the done folder).</summary>
    public void AddFolder(string name)
    {
        lock (gate)
        {
            folders.TryAdd(name, []);
            uidNext.TryAdd(name, 1);
        }
    }

    /// <summary>Delivers a message to <paramref name="folder"/>; returns its uid.</summary>
    public uint Deliver(byte[] raw, string folder = Inbox)
    {
        lock (gate)
        {
            var uid = uidNext[folder]++;
            folders[folder].Add(new StoredMessage(uid, raw));
            return uid;
        }
    }

    /// <summary>The messages of <paramref name="folder"/> now: uid, flags and bytes.</summary>
    public IReadOnlyList<(uint Uid, IReadOnlySet<string> Flags, byte[] Raw)> In(string folder)
    {
        lock (gate)
        {
            return folders.TryGetValue(folder, out var list)
                ? list.Select(m => (m.Uid, (IReadOnlySet<string>)new HashSet<string>(m.Flags, StringComparer.OrdinalIgnoreCase), m.Raw)).ToList()
                : [];
        }
    }

    private string Capabilities => "IMAP4rev1 UIDPLUS" + (SupportsMove ? " MOVE" : "");

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var session = new Session(stream);
        try
        {
            await session.WriteLineAsync("* OK Rampart test IMAP stub ready");
            while (await ReadCommandAsync(session) is { } line)
            {
                var tokens = Tokenize(line);
                if (tokens.Count < 2)
                {
                    await session.WriteLineAsync("* BAD empty command");
                    continue;
                }

                var tag = tokens[0];
                var command = tokens[1].ToUpperInvariant();
                var args = tokens.Skip(2).ToList();
                Commands.Enqueue(command == "LOGIN" && args.Count > 0 ? $"LOGIN {args[0]} ***" : string.Join(' ', tokens.Skip(1)));
                if (!await HandleAsync(session, tag, command, args))
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
            // The client went away.
        }
        catch (ObjectDisposedException)
        {
            // Closed on purpose (a drop).
        }
    }

    /// <summary>Answers one command; false when the connection is to end.</summary>
    private async Task<bool> HandleAsync(Session session, string tag, string command, List<string> args)
    {
        switch (command)
        {
            case "CAPABILITY":
                await session.WriteLineAsync("* CAPABILITY " + Capabilities);
                await session.WriteLineAsync($"{tag} OK CAPABILITY completed");
                return true;
            case "NOOP":
                await session.WriteLineAsync($"{tag} OK NOOP completed");
                return true;
            case "LOGOUT":
                await session.WriteLineAsync("* BYE logging out");
                await session.WriteLineAsync($"{tag} OK LOGOUT completed");
                return false;
            case "LOGIN":
                if (args.Count == 2 && args[0] == User && args[1] == Password)
                {
                    session.Authenticated = true;
                    await session.WriteLineAsync($"{tag} OK [CAPABILITY {Capabilities}] LOGIN completed");
                }
                else
                {
                    await session.WriteLineAsync($"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials");
                }

                return true;
        }

        if (!session.Authenticated)
        {
            await session.WriteLineAsync($"{tag} BAD log in first");
            return true;
        }

        switch (command)
        {
            case "LIST":
            case "LSUB":
                await ListAsync(session, tag, command, args);
                return true;
            case "SELECT":
            case "EXAMINE":
                await SelectAsync(session, tag, command, args);
                return true;
            case "CLOSE":
                if (session.Selected is { } closing && !session.ReadOnly)
                {
                    lock (gate)
                    {
                        Expunge(closing, _ => true);
                    }
                }

                session.Selected = null;
                await session.WriteLineAsync($"{tag} OK CLOSE completed");
                return true;
            case "EXPUNGE":
                return await ExpungeAsync(session, tag, null);
            case "UID" when args.Count >= 2:
                return await UidAsync(session, tag, args[0].ToUpperInvariant(), args.Skip(1).ToList());
            default:
                await session.WriteLineAsync($"{tag} BAD {command} is not implemented by the stub");
                return true;
        }
    }

    private async Task ListAsync(Session session, string tag, string command, List<string> args)
    {
        var pattern = args.Count >= 2 ? args[1] : "";
        if (pattern.Length == 0)
        {
            await session.WriteLineAsync($"* {command} (\\Noselect) \"/\" \"\"");
        }
        else
        {
            var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("%", "[^/]*", StringComparison.Ordinal) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            List<string> names;
            lock (gate)
            {
                names = folders.Keys.Where(n => regex.IsMatch(n)).Order(StringComparer.Ordinal).ToList();
            }

            foreach (var name in names)
            {
                await session.WriteLineAsync($"* {command} (\\HasNoChildren) \"/\" \"{name}\"");
            }
        }

        await session.WriteLineAsync($"{tag} OK {command} completed");
    }

    private async Task SelectAsync(Session session, string tag, string command, List<string> args)
    {
        var name = Folder(args.Count > 0 ? args[0] : "");
        int count;
        uint next;
        lock (gate)
        {
            if (!folders.TryGetValue(name, out var list))
            {
                count = -1;
                next = 0;
            }
            else
            {
                count = list.Count;
                next = uidNext[name];
            }
        }

        if (count < 0)
        {
            session.Selected = null;
            await session.WriteLineAsync($"{tag} NO [NONEXISTENT] no such mailbox");
            return;
        }

        session.Selected = name;
        session.ReadOnly = command == "EXAMINE";
        await session.WriteLineAsync("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        await session.WriteLineAsync("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] flags");
        await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* {count} EXISTS"));
        await session.WriteLineAsync("* 0 RECENT");
        await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* OK [UIDVALIDITY {UidValidity}] uids valid"));
        await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* OK [UIDNEXT {next}] next uid"));
        await session.WriteLineAsync($"{tag} OK [{(session.ReadOnly ? "READ-ONLY" : "READ-WRITE")}] {command} completed");
    }

    private async Task<bool> UidAsync(Session session, string tag, string command, List<string> args)
    {
        if (session.Selected is not { } folder)
        {
            await session.WriteLineAsync($"{tag} BAD no mailbox selected");
            return true;
        }

        switch (command)
        {
            case "SEARCH":
                {
                    var filter = Criteria(args);
                    if (filter is null)
                    {
                        await session.WriteLineAsync($"{tag} BAD search criteria not implemented by the stub");
                        return true;
                    }

                    List<uint> found;
                    lock (gate)
                    {
                        found = folders[folder].Where(filter).Select(m => m.Uid).ToList();
                    }

                    await session.WriteLineAsync(("* SEARCH " + string.Join(' ', found.Select(u => u.ToString(CultureInfo.InvariantCulture)))).TrimEnd());
                    await session.WriteLineAsync($"{tag} OK SEARCH completed");
                    return true;
                }

            case "FETCH":
                return await FetchAsync(session, tag, folder, args[0], string.Join(' ', args.Skip(1)).ToUpperInvariant());
            case "STORE":
                {
                    var mode = args.Count > 1 ? args[1].ToUpperInvariant() : "";
                    var flags = args.Count > 2 ? args[2].Trim('(', ')').Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
                    var changed = new List<(int Seq, uint Uid, string Flags)>();
                    lock (gate)
                    {
                        var list = folders[folder];
                        var set = UidSet(args[0], list);
                        for (var i = 0; i < list.Count; i++)
                        {
                            var m = list[i];
                            if (!set(m.Uid))
                            {
                                continue;
                            }

                            if (mode.StartsWith('+'))
                            {
                                m.Flags.UnionWith(flags);
                            }
                            else if (mode.StartsWith('-'))
                            {
                                m.Flags.ExceptWith(flags);
                            }
                            else
                            {
                                m.Flags.Clear();
                                m.Flags.UnionWith(flags);
                            }

                            changed.Add((i + 1, m.Uid, string.Join(' ', m.Flags)));
                        }
                    }

                    if (!mode.EndsWith(".SILENT", StringComparison.Ordinal))
                    {
                        foreach (var (seq, uid, current) in changed)
                        {
                            await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* {seq} FETCH (UID {uid} FLAGS ({current}))"));
                        }
                    }

                    await session.WriteLineAsync($"{tag} OK STORE completed");
                    return true;
                }

            case "COPY":
            case "MOVE" when SupportsMove:
                {
                    var target = Folder(args.Count > 1 ? args[1] : "");
                    List<uint> from = [];
                    List<uint> to = [];
                    var expunged = new List<int>();
                    bool exists;
                    lock (gate)
                    {
                        exists = folders.ContainsKey(target);
                        if (exists)
                        {
                            var list = folders[folder];
                            var set = UidSet(args[0], list);
                            foreach (var m in list.Where(m => set(m.Uid)).ToList())
                            {
                                var uid = uidNext[target]++;
                                // A copy keeps the flags (RFC 3501 6.4.7).
                                var copy = new StoredMessage(uid, m.Raw);
                                copy.Flags.UnionWith(m.Flags);
                                folders[target].Add(copy);
                                from.Add(m.Uid);
                                to.Add(uid);
                            }

                            if (command == "MOVE")
                            {
                                expunged = Expunge(folder, from.Contains, moved: true);
                            }
                        }
                    }

                    if (!exists)
                    {
                        await session.WriteLineAsync($"{tag} NO [TRYCREATE] no such mailbox");
                        return true;
                    }

                    var copyUid = from.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"[COPYUID {UidValidity} {string.Join(',', from)} {string.Join(',', to)}] ");
                    if (command == "MOVE")
                    {
                        if (copyUid.Length > 0)
                        {
                            await session.WriteLineAsync("* OK " + copyUid + "moved");
                        }

                        foreach (var seq in expunged)
                        {
                            await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* {seq} EXPUNGE"));
                        }

                        await session.WriteLineAsync($"{tag} OK MOVE completed");
                    }
                    else
                    {
                        await session.WriteLineAsync($"{tag} OK {copyUid}COPY completed");
                    }

                    return true;
                }

            case "EXPUNGE":
                return await ExpungeAsync(session, tag, args[0]);
            default:
                await session.WriteLineAsync($"{tag} BAD UID {command} is not implemented by the stub");
                return true;
        }
    }

    private async Task<bool> FetchAsync(Session session, string tag, string folder, string uids, string items)
    {
        var body = items.Contains("BODY[]", StringComparison.Ordinal) || items.Contains("BODY.PEEK[]", StringComparison.Ordinal) || items.Contains("RFC822 ", StringComparison.Ordinal) || items.Contains("RFC822)", StringComparison.Ordinal);
        var peek = !items.Contains("BODY[]", StringComparison.Ordinal) || items.Contains("BODY.PEEK[]", StringComparison.Ordinal);
        List<(int Seq, StoredMessage Message, string Flags)> rows = [];
        lock (gate)
        {
            var list = folders[folder];
            var set = UidSet(uids, list);
            for (var i = 0; i < list.Count; i++)
            {
                if (set(list[i].Uid))
                {
                    if (body && !peek && !session.ReadOnly)
                    {
                        list[i].Flags.Add("\\Seen");
                    }

                    rows.Add((i + 1, list[i], string.Join(' ', list[i].Flags)));
                }
            }
        }

        var drop = false;
        foreach (var (seq, message, flags) in rows)
        {
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"* {seq} FETCH (UID {message.Uid}");
            if (items.Contains("FLAGS", StringComparison.Ordinal) || (body && !peek))
            {
                head.Append(" FLAGS (").Append(flags).Append(')');
            }

            if (items.Contains("RFC822.SIZE", StringComparison.Ordinal))
            {
                head.Append(CultureInfo.InvariantCulture, $" RFC822.SIZE {message.Raw.Length}");
            }

            if (items.Contains("INTERNALDATE", StringComparison.Ordinal))
            {
                head.Append(" INTERNALDATE \"02-Nov-2026 09:00:00 +0000\"");
            }

            if (body)
            {
                head.Append(CultureInfo.InvariantCulture, $" BODY[] {{{message.Raw.Length}}}\r\n");
                await session.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                await session.WriteAsync(message.Raw);
                await session.WriteLineAsync(")");
                BodiesSent.Enqueue(message.Uid);
                drop |= Interlocked.Increment(ref bodiesSent) == DropAfterBodyFetches;
            }
            else
            {
                await session.WriteLineAsync(head.Append(')').ToString());
            }
        }

        await session.WriteLineAsync($"{tag} OK FETCH completed");
        if (drop)
        {
            Commands.Enqueue("(connection dropped by the stub)");
            session.Close();
            return false;
        }

        return true;
    }

    private async Task<bool> ExpungeAsync(Session session, string tag, string? uids)
    {
        if (session.Selected is not { } folder || session.ReadOnly)
        {
            await session.WriteLineAsync($"{tag} NO no writable mailbox selected");
            return true;
        }

        List<int> gone;
        lock (gate)
        {
            var list = folders[folder];
            var set = uids is null ? (_ => true) : UidSet(uids, list);
            gone = Expunge(folder, set);
        }

        foreach (var seq in gone)
        {
            await session.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"* {seq} EXPUNGE"));
        }

        await session.WriteLineAsync($"{tag} OK EXPUNGE completed");
        return true;
    }

    /// <summary>
    /// Removes the messages of <paramref name="folder"/> that <paramref name="which"/> selects — only those flagged \Deleted
    /// unless <paramref name="moved"/> — and returns the sequence numbers to announce, each as it stands when announced.
    /// </summary>
    private List<int> Expunge(string folder, Func<uint, bool> which, bool moved = false)
    {
        var list = folders[folder];
        var gone = new List<int>();
        for (var i = 0; i < list.Count;)
        {
            var m = list[i];
            if (which(m.Uid) && (moved || m.Flags.Contains("\\Deleted")))
            {
                list.RemoveAt(i);
                gone.Add(i + 1);
            }
            else
            {
                i++;
            }
        }

        return gone;
    }

    private static Func<StoredMessage, bool>? Criteria(List<string> args)
    {
        var words = args.Select(a => a.ToUpperInvariant()).ToList();
        var position = 0;
        var all = new List<Func<StoredMessage, bool>>();
        while (position < words.Count)
        {
            if (One(words, ref position) is not { } test)
            {
                return null;
            }

            all.Add(test);
        }

        return m => all.All(t => t(m));

        static Func<StoredMessage, bool>? One(List<string> words, ref int position)
        {
            var word = words[position++];
            return word switch
            {
                "ALL" => _ => true,
                "UNSEEN" => m => !m.Flags.Contains("\\Seen"),
                "SEEN" => m => m.Flags.Contains("\\Seen"),
                "FLAGGED" => m => m.Flags.Contains("\\Flagged"),
                "UNFLAGGED" => m => !m.Flags.Contains("\\Flagged"),
                "DELETED" => m => m.Flags.Contains("\\Deleted"),
                "UNDELETED" => m => !m.Flags.Contains("\\Deleted"),
                "NOT" when position < words.Count && One(words, ref position) is { } inner => m => !inner(m),
                _ => null,
            };
        }
    }

    /// <summary>A uid set ("1:3,7,9:*") over the folder's current uids.</summary>
    private static Func<uint, bool> UidSet(string text, List<StoredMessage> list)
    {
        var max = list.Count == 0 ? 0 : list.Max(m => m.Uid);
        var ranges = text.Split(',').Select(part =>
        {
            var ends = part.Split(':');
            uint Parse(string s) => s == "*" ? max : uint.Parse(s, CultureInfo.InvariantCulture);
            var a = Parse(ends[0]);
            var b = ends.Length > 1 ? Parse(ends[1]) : a;
            return (Low: Math.Min(a, b), High: Math.Max(a, b));
        }).ToList();
        return uid => ranges.Any(r => uid >= r.Low && uid <= r.High);
    }

    private static string Folder(string name) => name.Equals(Inbox, StringComparison.OrdinalIgnoreCase) ? Inbox : name;

    /// <summary>One command line with its literals folded in as quoted strings; null at the end of the stream.</summary>
    private static async Task<string?> ReadCommandAsync(Session session)
    {
        var line = new StringBuilder();
        while (true)
        {
            var part = await session.ReadLineAsync();
            if (part is null)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            var literal = LiteralAtEnd().Match(part);
            if (!literal.Success)
            {
                return line.Append(part).ToString();
            }

            var length = int.Parse(literal.Groups["n"].Value, CultureInfo.InvariantCulture);
            line.Append(part.AsSpan(0, literal.Index));
            if (!literal.Groups["plus"].Success)
            {
                await session.WriteLineAsync("+ go ahead");
            }

            var bytes = await session.ReadBytesAsync(length);
            line.Append('"').Append(Encoding.UTF8.GetString(bytes).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }
    }

    /// <summary>Atoms, quoted strings (unescaped) and parenthesised lists (kept whole, parentheses included).</summary>
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] == ' ')
            {
                i++;
                continue;
            }

            if (line[i] == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                    }

                    text.Append(line[i++]);
                }

                i++;
                tokens.Add(text.ToString());
            }
            else if (line[i] == '(')
            {
                var depth = 0;
                var start = i;
                do
                {
                    depth += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
                    i++;
                }
                while (i < line.Length && depth > 0);
                tokens.Add(line[start..i]);
            }
            else
            {
                var start = i;
                var depth = 0;
                // An atom may carry brackets with spaces inside (BODY.PEEK[HEADER.FIELDS (A B)]).
                while (i < line.Length && (line[i] != ' ' || depth > 0))
                {
                    depth += line[i] == '[' ? 1 : line[i] == ']' ? -1 : 0;
                    i++;
                }

                tokens.Add(line[start..i]);
            }
        }

        return tokens;
    }

    [GeneratedRegex(@"\{(?<n>\d+)(?<plus>\+)?\}$")]
    private static partial Regex LiteralAtEnd();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private sealed class StoredMessage(uint uid, byte[] raw)
    {
        public uint Uid { get; } = uid;

        public byte[] Raw { get; } = raw;

        public HashSet<string> Flags { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>One connection: byte-exact reads (literals) and writes.</summary>
    private sealed class Session(NetworkStream stream)
    {
        private readonly byte[] buffer = new byte[8192];
        private int start;
        private int end;

        public bool Authenticated { get; set; }

        public string? Selected { get; set; }

        public bool ReadOnly { get; set; }

        public void Close() => stream.Close();

        public async Task WriteAsync(byte[] bytes) => await stream.WriteAsync(bytes);

        public async Task WriteLineAsync(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));

        public async Task<string?> ReadLineAsync()
        {
            var line = new List<byte>();
            while (true)
            {
                if (start == end && !await FillAsync())
                {
                    return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
                }

                var b = buffer[start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.UTF8.GetString(line.ToArray());
                }

                line.Add(b);
            }
        }

        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var result = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                if (start == end && !await FillAsync())
                {
                    throw new IOException("The client closed the connection inside a literal.");
                }

                var n = Math.Min(count - filled, end - start);
                Array.Copy(buffer, start, result, filled, n);
                start += n;
                filled += n;
            }

            return result;
        }

        private async Task<bool> FillAsync()
        {
            start = 0;
            end = await stream.ReadAsync(buffer);
            return end > 0;
        }
    }
}
