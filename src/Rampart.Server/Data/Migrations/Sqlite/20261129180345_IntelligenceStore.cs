using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntelligenceStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IntelChanges",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<short>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelChanges", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "IntelImportJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Format = table.Column<short>(type: "INTEGER", nullable: false),
                    Status = table.Column<short>(type: "INTEGER", nullable: false),
                    Tlp = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Processed = table.Column<int>(type: "INTEGER", nullable: false),
                    Added = table.Column<int>(type: "INTEGER", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<int>(type: "INTEGER", nullable: false),
                    Batches = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelImportJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IntelImportJobs_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "IntelObjects",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StixId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    StixType = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    Created = table.Column<long>(type: "INTEGER", nullable: false),
                    Modified = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Revoked = table.Column<bool>(type: "INTEGER", nullable: false),
                    WithdrawnAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WithdrawnReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WarningListed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelObjects", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_IntelObjects_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_IntelObjects_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Observables",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<short>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    RangeStart = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: true),
                    RangeEnd = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: true),
                    ReversedDomain = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ObjectCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Observables", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IntelImportOutcomes",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    StixId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Outcome = table.Column<short>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelImportOutcomes", x => new { x.JobId, x.Ordinal });
                    table.ForeignKey(
                        name: "FK_IntelImportOutcomes_IntelImportJobs_JobId",
                        column: x => x.JobId,
                        principalTable: "IntelImportJobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IntelLabels",
                columns: table => new
                {
                    Label = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelLabels", x => new { x.Label, x.RecordId });
                    table.ForeignKey(
                        name: "FK_IntelLabels_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IntelObjectVersions",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Modified = table.Column<long>(type: "INTEGER", nullable: false),
                    DateAdded = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelObjectVersions", x => new { x.RecordId, x.Modified });
                    table.ForeignKey(
                        name: "FK_IntelObjectVersions_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IntelWarningHits",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    ListName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Entry = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelWarningHits", x => new { x.RecordId, x.ListName });
                    table.ForeignKey(
                        name: "FK_IntelWarningHits_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ObservableLinks",
                columns: table => new
                {
                    ObservableId = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ObservableLinks", x => new { x.ObservableId, x.RecordId });
                    table.ForeignKey(
                        name: "FK_ObservableLinks_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ObservableLinks_Observables_ObservableId",
                        column: x => x.ObservableId,
                        principalTable: "Observables",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IntelChanges_RecordId",
                table: "IntelChanges",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_IntelImportJobs_OrganisationId_Id",
                table: "IntelImportJobs",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelImportJobs_Status",
                table: "IntelImportJobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_IntelLabels_RecordId",
                table: "IntelLabels",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_Modified_RecordId",
                table: "IntelObjects",
                columns: new[] { "Modified", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_OwnerOrganisationId_StixId",
                table: "IntelObjects",
                columns: new[] { "OwnerOrganisationId", "StixId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_StixId",
                table: "IntelObjects",
                column: "StixId");

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_StixType_RecordId",
                table: "IntelObjects",
                columns: new[] { "StixType", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_UpdatedAt_RecordId",
                table: "IntelObjects",
                columns: new[] { "UpdatedAt", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjectVersions_DateAdded_RecordId",
                table: "IntelObjectVersions",
                columns: new[] { "DateAdded", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_ObservableLinks_RecordId_ObservableId",
                table: "ObservableLinks",
                columns: new[] { "RecordId", "ObservableId" });

            migrationBuilder.CreateIndex(
                name: "IX_Observables_Kind_Value",
                table: "Observables",
                columns: new[] { "Kind", "Value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Observables_RangeStart_RangeEnd",
                table: "Observables",
                columns: new[] { "RangeStart", "RangeEnd" },
                filter: "\"RangeStart\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Observables_ReversedDomain",
                table: "Observables",
                column: "ReversedDomain",
                filter: "\"ReversedDomain\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IntelChanges");

            migrationBuilder.DropTable(
                name: "IntelImportOutcomes");

            migrationBuilder.DropTable(
                name: "IntelLabels");

            migrationBuilder.DropTable(
                name: "IntelObjectVersions");

            migrationBuilder.DropTable(
                name: "IntelWarningHits");

            migrationBuilder.DropTable(
                name: "ObservableLinks");

            migrationBuilder.DropTable(
                name: "IntelImportJobs");

            migrationBuilder.DropTable(
                name: "IntelObjects");

            migrationBuilder.DropTable(
                name: "Observables");
        }
    }
}
