using Rampart.Server.Access;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>
/// The body of a large import on disk while it is imported in the background (REST and the imports page alike).
/// The file is unlinked as soon as it is created — the open handle is the only way to it, and the operating system
/// frees it when the handle closes — so a process killed mid-import leaves no spool file behind.
/// </summary>
public sealed class ImportSpool : IAsyncDisposable
{
    private readonly FileStream file;

    private ImportSpool(FileStream file) => this.file = file;

    /// <summary>Copies <paramref name="body"/> to a new, already unlinked spool file.</summary>
    public static async Task<ImportSpool> WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var path = Path.Combine(Path.GetTempPath(), $"rampart-import-{Guid.NewGuid():N}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        try
        {
            File.Delete(path);
            await body.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            return new ImportSpool(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The spooled body, from its start; it stays the spool's (disposing the spool closes it).</summary>
    public Stream Rewound()
    {
        file.Position = 0;
        return file;
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();

    /// <summary>
    /// Imports the spool into job <paramref name="jobId"/> in the background and closes it. Whatever stops the import
    /// ends the job (failed, with what was stored) unless it already ended, so it never stays "running" until a restart.
    /// </summary>
    public void RunInBackground(IServiceScopeFactory scopes, Caller caller, Guid jobId, IntelShare share, Func<Stream, IAsyncEnumerable<IngestItem>> read)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(read);
        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
                var job = await ingest.Store.FindJobAsync(jobId, CancellationToken.None);
                await ingest.RunAsync(caller, job, share, read(Rewound()), CancellationToken.None);
            }
#pragma warning disable CA1031 // A background import must end its job whatever went wrong, or it would stay "running" until restart.
            catch (Exception e)
#pragma warning restore CA1031
            {
                await using var scope = scopes.CreateAsyncScope();
                var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
                var job = await ingest.Store.FindJobAsync(jobId, CancellationToken.None);
                if (job.Status == IntelImportStatus.Running)
                {
                    await ingest.Store.FinishJobAsync(caller, job, $"The import stopped: {e.GetType().Name}. Every batch counted here is stored; nothing after it is.", CancellationToken.None);
                }
            }
            finally
            {
                await DisposeAsync();
            }
        }, CancellationToken.None);
    }
}
