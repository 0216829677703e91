using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.Localization;

namespace Rampart.Server.Components;

/// <summary>
/// A date (<see cref="DateOnly"/>) or date and time (<see cref="DateTime"/>, wall clock) typed in the page language's
/// own order — "31.12.26 23:30" in Georgian, "31.12.2026." in Serbian — with that order shown as the placeholder.
/// Not the browser's date widget: that follows the browser's language, not the page's, and a Georgian page would show
/// "mm/dd/yyyy". ISO dates (2026-12-31, 2026-12-31 23:30) are accepted too. Text that is not a date leaves the value
/// unchanged and shows "{label}: …" under the field, and the form's <see cref="EditContext"/> holds the error, so a
/// submit can refuse it.
/// </summary>
public sealed class CultureDateInput<TValue> : InputBase<TValue>
{
    [Inject] private IStringLocalizer<Shell> L { get; set; } = default!;

    /// <summary>The field's label, named in the error under it.</summary>
    [Parameter] public string? Label { get; set; }

    private static bool WithTime => Nullable.GetUnderlyingType(typeof(TValue)) is { } t ? t == typeof(DateTime) : typeof(TValue) == typeof(DateTime);

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var culture = CultureInfo.CurrentCulture;
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "type", "text");
        builder.AddAttribute(3, "name", NameAttributeValue);
        builder.AddAttribute(4, "class", CssClass);
        builder.AddAttribute(5, "placeholder", CultureDates.ExampleText(culture, WithTime));
        builder.AddAttribute(6, "autocomplete", "off");
        builder.AddAttribute(7, "value", CurrentValueAsString);
        builder.AddAttribute(8, "onchange", EventCallback.Factory.CreateBinder<string?>(this, v => CurrentValueAsString = v, CurrentValueAsString));
        builder.SetUpdatesAttributeName("value");
        builder.AddElementReferenceCapture(9, r => Element = r);
        builder.CloseElement();

        var problems = EditContext.GetValidationMessages(FieldIdentifier).ToList();
        if (problems.Count > 0)
        {
            builder.OpenElement(10, "div");
            builder.AddAttribute(11, "class", "field-error");
            builder.AddAttribute(12, "role", "alert");
            builder.AddAttribute(13, "data-date-format-error", "");
            builder.AddContent(14, (Label is null ? "" : Label + ": ") + string.Join(" ", problems));
            builder.CloseElement();
        }
    }

    /// <summary>The input's element, for focusing.</summary>
    public ElementReference? Element { get; private set; }

    protected override string? FormatValueAsString(TValue? value)
    {
        var culture = CultureInfo.CurrentCulture;
        return value switch
        {
            DateOnly day => day.ToString(CultureDates.Pattern(culture, WithTime), culture),
            DateTime time => time.ToString(CultureDates.Pattern(culture, WithTime), culture),
            _ => null,
        };
    }

    protected override bool TryParseValueFromString(string? value, [MaybeNullWhen(false)] out TValue result, [NotNullWhen(false)] out string? validationErrorMessage)
    {
        var culture = CultureInfo.CurrentCulture;
        validationErrorMessage = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            result = default!;
            return true;
        }

        if (CultureDates.TryParse(value.Trim(), culture, WithTime, out var parsed))
        {
            result = WithTime ? (TValue)(object)parsed : (TValue)(object)DateOnly.FromDateTime(parsed);
            return true;
        }

        result = default;
        validationErrorMessage = string.Format(culture, L["Not a date. Write it like {0}."], CultureDates.ExampleText(culture, WithTime));
        return false;
    }
}

/// <summary>How <see cref="CultureDateInput{TValue}"/> writes and reads dates in a culture.</summary>
public static class CultureDates
{
    // The example shown in the placeholder and the error: the last minutes of a year, so day and month read unambiguously.
    private static readonly DateTime Example = new(2026, 12, 31, 23, 30, 0, DateTimeKind.Unspecified);

    /// <summary>The format the input shows and reads first (24-hour clock, as <see cref="Localisation.Clock"/>).</summary>
    public static string Pattern(CultureInfo culture, bool withTime)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return withTime ? Localisation.Clock.ShortPattern(culture) : culture.DateTimeFormat.ShortDatePattern;
    }

    /// <summary>The example in the culture's format, e.g. "31.12.26 23:30".</summary>
    public static string ExampleText(CultureInfo culture, bool withTime) => Example.ToString(Pattern(culture, withTime), culture);

    /// <summary>Reads <paramref name="text"/> as the culture's date (and time), else as an ISO date (and time); a date without a time is midnight.</summary>
    public static bool TryParse(string text, CultureInfo culture, bool withTime, out DateTime parsed)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var date = culture.DateTimeFormat.ShortDatePattern;
        string[] patterns = withTime
            ? [date + " HH:mm", date + " H:mm", date + " HH:mm:ss", date, "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"]
            : [date, "yyyy-MM-dd"];
        // Some patterns end in a dot ("d.M.yyyy." in Serbian): accept the date typed without it, too.
        var trimmed = date.EndsWith('.') ? date.TrimEnd('.') : null;
        if (trimmed is not null)
        {
            patterns = [.. patterns, .. withTime ? new[] { trimmed + " HH:mm", trimmed } : [trimmed]];
        }

        return DateTime.TryParseExact(text, patterns, culture, DateTimeStyles.AllowWhiteSpaces, out parsed)
            || DateTime.TryParseExact(text, patterns, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out parsed);
    }
}
