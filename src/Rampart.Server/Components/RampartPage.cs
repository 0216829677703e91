using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;

namespace Rampart.Server.Components;

/// <summary>Base of pages that act for the logged-in user: gives them the <see cref="Caller"/> through the one resolver.</summary>
public abstract class RampartPage : ComponentBase
{
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    public required IServiceScopeFactory CallerScopes { get; set; }

    /// <summary>The field errors of a rejected request, for the page's error list.</summary>
    protected static IDictionary<string, string[]> ProblemsFrom(Exception error) => error switch
    {
        Validation.RequestValidationException invalid => invalid.Errors.ToDictionary(),
        _ => new Dictionary<string, string[]> { [""] = [error.Message] },
    };

    protected async Task<Caller> GetCallerAsync()
    {
        if (HttpContext is not null)
        {
            return await Caller.ForRequestAsync(HttpContext);
        }

        var state = AuthenticationState is null ? null : await AuthenticationState;
        if (state is null)
        {
            return Caller.Anonymous();
        }

        // In a circuit the layout's components (the notification bell) and the page resolve their caller at the same
        // moment: each resolution gets its own scope and database context, never the circuit's shared one (two queries at
        // once on one context fail on PostgreSQL).
        await using var scope = CallerScopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICallerResolver>().ResolveAsync(state.User, null, CancellationToken.None);
    }
}
