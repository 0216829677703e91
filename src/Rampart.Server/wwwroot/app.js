// Small helpers the Blazor shell calls through JS interop; nothing here runs on its own.
window.rampart = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    // Set once the interactive layout has rendered: tests and scripts wait for it.
    ready: () => { window.rampartReady = true; },
    getTheme: () => localStorage.getItem("rampart-theme"),
    setTheme: (value) => localStorage.setItem("rampart-theme", value),
    download: (fileName, contentType, text) => {
        const url = URL.createObjectURL(new Blob([text], { type: contentType }));
        const a = document.createElement("a");
        a.href = url;
        a.download = fileName;
        document.body.appendChild(a);
        a.click();
        a.remove();
        URL.revokeObjectURL(url);
    },
};
// Static pages (login, public records) follow the theme chosen in the shell.
document.documentElement.dataset.theme = localStorage.getItem("rampart-theme") === "dark" ? "dark" : "light";
// The skip link moves keyboard focus to the main content (Blazor's link handling would only scroll to it).
document.addEventListener("click", (e) => {
    const link = e.target instanceof Element ? e.target.closest("a.skip") : null;
    const main = document.getElementById("main");
    if (link && main) {
        e.preventDefault();
        main.focus();
    }
}, true);
