using Rampart.Server.Admin;
using Rampart.Server.Hosting;

if (AdminCommandLine.Handles(args))
{
    return await AdminCommandLine.RunAsync(args);
}

var app = RampartHost.Build(args);
await app.RunAsync();
return 0;
