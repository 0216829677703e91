using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Sim3Maturity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MaturityComparisonOptIns",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    OptedInAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OptedInByUserId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityComparisonOptIns", x => x.OrganisationId);
                    table.ForeignKey(
                        name: "FK_MaturityComparisonOptIns_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityModelVersions",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityModelVersions", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "MaturityAssessments",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SeriesId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AssessmentType = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Assessors = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ReviewerOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityAssessments", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_MaturityAssessments_MaturityModelVersions_ModelKey",
                        column: x => x.ModelKey,
                        principalTable: "MaturityModelVersions",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_MaturityAssessments_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityParameters",
                columns: table => new
                {
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NameVerified = table.Column<bool>(type: "boolean", nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityParameters", x => new { x.ModelKey, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_MaturityParameters_MaturityModelVersions_ModelKey",
                        column: x => x.ModelKey,
                        principalTable: "MaturityModelVersions",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityProfiles",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SeriesId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Network = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityProfiles", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_MaturityProfiles_MaturityModelVersions_ModelKey",
                        column: x => x.ModelKey,
                        principalTable: "MaturityModelVersions",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_MaturityProfiles_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityRatings",
                columns: table => new
                {
                    AssessmentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Level = table.Column<int>(type: "integer", nullable: true),
                    Comment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Evidence = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityRatings", x => new { x.AssessmentRecordId, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_MaturityRatings_MaturityAssessments_AssessmentRecordId",
                        column: x => x.AssessmentRecordId,
                        principalTable: "MaturityAssessments",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityParameterTexts",
                columns: table => new
                {
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Culture = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityParameterTexts", x => new { x.ModelKey, x.ParameterId, x.Culture });
                    table.ForeignKey(
                        name: "FK_MaturityParameterTexts_MaturityParameters_ModelKey_Paramete~",
                        columns: x => new { x.ModelKey, x.ParameterId },
                        principalTable: "MaturityParameters",
                        principalColumns: new[] { "ModelKey", "ParameterId" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MaturityProfileLevels",
                columns: table => new
                {
                    ProfileRecordId = table.Column<long>(type: "bigint", nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    MinLevel = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityProfileLevels", x => new { x.ProfileRecordId, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_MaturityProfileLevels_MaturityProfiles_ProfileRecordId",
                        column: x => x.ProfileRecordId,
                        principalTable: "MaturityProfiles",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "MaturityModelVersions",
                columns: new[] { "Key", "CreatedAt", "Source", "Title" },
                values: new object[,]
                {
                    { "sim3-v1", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "shared/data/sim3.md — v1 names from secondary sources, to be verified against the opencsirt.org SIM3 v1 PDF", "SIM3 v1" },
                    { "sim3-v2-interim", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "shared/data/sim3.md — v2-interim names from RodrigoVilanova/SIM3 data/SIM3.cypher (commit 86dc127, typos normalised); opencsirt.org", "SIM3 v2 interim" }
                });

            migrationBuilder.InsertData(
                table: "MaturityParameters",
                columns: new[] { "ModelKey", "ParameterId", "Category", "Description", "Name", "NameVerified", "Position" },
                values: new object[,]
                {
                    { "sim3-v1", "H-1", 1, null, "Code of Conduct/Practice/Ethics", false, 11 },
                    { "sim3-v1", "H-2", 1, null, "Personal Resilience", false, 12 },
                    { "sim3-v1", "H-3", 1, null, "Skillset Description", false, 13 },
                    { "sim3-v1", "H-4", 1, null, "Internal Training", false, 14 },
                    { "sim3-v1", "H-5", 1, null, "(External) Technical Training", false, 15 },
                    { "sim3-v1", "H-6", 1, null, "(External) Communication Training", false, 16 },
                    { "sim3-v1", "H-7", 1, null, "External Networking", false, 17 },
                    { "sim3-v1", "O-1", 0, null, "Mandate", false, 1 },
                    { "sim3-v1", "O-10", 0, null, "Organisational Framework", false, 9 },
                    { "sim3-v1", "O-11", 0, null, "Security Policy", false, 10 },
                    { "sim3-v1", "O-2", 0, null, "Constituency", false, 2 },
                    { "sim3-v1", "O-3", 0, null, "Authority", false, 3 },
                    { "sim3-v1", "O-4", 0, null, "Responsibility", false, 4 },
                    { "sim3-v1", "O-5", 0, null, "Service Description", false, 5 },
                    { "sim3-v1", "O-7", 0, null, "Service Level Description", false, 6 },
                    { "sim3-v1", "O-8", 0, null, "Incident Classification", false, 7 },
                    { "sim3-v1", "O-9", 0, null, "Integration in existing CSIRT systems", false, 8 },
                    { "sim3-v1", "P-1", 3, null, "Escalation to Governance Level", false, 28 },
                    { "sim3-v1", "P-10", 3, null, "Best Practice E-mail and Web Presence", false, 37 },
                    { "sim3-v1", "P-11", 3, null, "Secure Information Handling Process", false, 38 },
                    { "sim3-v1", "P-12", 3, null, "Information Sources Process", false, 39 },
                    { "sim3-v1", "P-13", 3, null, "Outreach Process", false, 40 },
                    { "sim3-v1", "P-14", 3, null, "Reporting Process", false, 41 },
                    { "sim3-v1", "P-15", 3, null, "Statistics Process", false, 42 },
                    { "sim3-v1", "P-16", 3, null, "Meeting Process", false, 43 },
                    { "sim3-v1", "P-17", 3, null, "Peer-to-Peer Process", false, 44 },
                    { "sim3-v1", "P-2", 3, null, "Escalation to Press Function", false, 29 },
                    { "sim3-v1", "P-3", 3, null, "Escalation to Legal Function", false, 30 },
                    { "sim3-v1", "P-4", 3, null, "Incident Prevention Process", false, 31 },
                    { "sim3-v1", "P-5", 3, null, "Incident Detection Process", false, 32 },
                    { "sim3-v1", "P-6", 3, null, "Incident Resolution Process", false, 33 },
                    { "sim3-v1", "P-7", 3, null, "Specific Incident Processes", false, 34 },
                    { "sim3-v1", "P-8", 3, null, "Audit/Feedback Process", false, 35 },
                    { "sim3-v1", "P-9", 3, null, "Emergency Reachability Process", false, 36 },
                    { "sim3-v1", "T-1", 2, null, "IT Resources List", false, 18 },
                    { "sim3-v1", "T-10", 2, null, "Incident Resolution Toolset", false, 27 },
                    { "sim3-v1", "T-2", 2, null, "Information Sources List", false, 19 },
                    { "sim3-v1", "T-3", 2, null, "Consolidated E-mail System", false, 20 },
                    { "sim3-v1", "T-4", 2, null, "Incident Tracking System", false, 21 },
                    { "sim3-v1", "T-5", 2, null, "Resilient Phone", false, 22 },
                    { "sim3-v1", "T-6", 2, null, "Resilient E-mail", false, 23 },
                    { "sim3-v1", "T-7", 2, null, "Resilient Internet Access", false, 24 },
                    { "sim3-v1", "T-8", 2, null, "Incident Prevention Toolset", false, 25 },
                    { "sim3-v1", "T-9", 2, null, "Incident Detection Toolset", false, 26 },
                    { "sim3-v2-interim", "H-1", 1, null, "Code of Conduct/Practice/Ethics", true, 12 },
                    { "sim3-v2-interim", "H-2", 1, null, "Staff Resilience", true, 13 },
                    { "sim3-v2-interim", "H-3", 1, null, "Skillset Description", true, 14 },
                    { "sim3-v2-interim", "H-4", 1, null, "Staff Development", true, 15 },
                    { "sim3-v2-interim", "H-5", 1, null, "Technical Training", true, 16 },
                    { "sim3-v2-interim", "H-6", 1, null, "Soft Skills Training", true, 17 },
                    { "sim3-v2-interim", "H-7", 1, null, "External Networking", true, 18 },
                    { "sim3-v2-interim", "O-1", 0, null, "Mandate", true, 1 },
                    { "sim3-v2-interim", "O-10", 0, null, "Organisational Framework", true, 10 },
                    { "sim3-v2-interim", "O-11", 0, null, "Security Policy", true, 11 },
                    { "sim3-v2-interim", "O-2", 0, null, "Constituency", true, 2 },
                    { "sim3-v2-interim", "O-3", 0, null, "Authority", true, 3 },
                    { "sim3-v2-interim", "O-4", 0, null, "Responsibility", true, 4 },
                    { "sim3-v2-interim", "O-5", 0, null, "Service Description", true, 5 },
                    { "sim3-v2-interim", "O-6", 0, null, "Public Media Policy", true, 6 },
                    { "sim3-v2-interim", "O-7", 0, null, "Service Level Description", true, 7 },
                    { "sim3-v2-interim", "O-8", 0, null, "Incident Classification", true, 8 },
                    { "sim3-v2-interim", "O-9", 0, null, "Participation in CSIRT Systems", true, 9 },
                    { "sim3-v2-interim", "P-1", 3, null, "Escalation to Governance Level", true, 29 },
                    { "sim3-v2-interim", "P-10", 3, null, "Best Practice Internet Presence", true, 38 },
                    { "sim3-v2-interim", "P-11", 3, null, "Secure Information Handling Process", true, 39 },
                    { "sim3-v2-interim", "P-12", 3, null, "Information Sources Process", true, 40 },
                    { "sim3-v2-interim", "P-13", 3, null, "Outreach Process", true, 41 },
                    { "sim3-v2-interim", "P-14", 3, null, "Governance Reporting Process", true, 42 },
                    { "sim3-v2-interim", "P-15", 3, null, "Constituency Reporting Process", true, 43 },
                    { "sim3-v2-interim", "P-16", 3, null, "Meeting Process", true, 44 },
                    { "sim3-v2-interim", "P-17", 3, null, "Peer Collaboration Process", true, 45 },
                    { "sim3-v2-interim", "P-2", 3, null, "Escalation to Press Function", true, 30 },
                    { "sim3-v2-interim", "P-3", 3, null, "Escalation to Legal Function", true, 31 },
                    { "sim3-v2-interim", "P-4", 3, null, "Incident Prevention Process", true, 32 },
                    { "sim3-v2-interim", "P-5", 3, null, "Incident Detection Process", true, 33 },
                    { "sim3-v2-interim", "P-6", 3, null, "Incident Resolution Process", true, 34 },
                    { "sim3-v2-interim", "P-7", 3, null, "Specific Incident Processes", true, 35 },
                    { "sim3-v2-interim", "P-8", 3, null, "Audit & Feedback Process", true, 36 },
                    { "sim3-v2-interim", "P-9", 3, null, "Emergency Reachability Process", true, 37 },
                    { "sim3-v2-interim", "T-1", 2, null, "IT Assets and Configurations", true, 19 },
                    { "sim3-v2-interim", "T-10", 2, null, "Incident Resolution Toolset", true, 28 },
                    { "sim3-v2-interim", "T-2", 2, null, "Information Sources List", true, 20 },
                    { "sim3-v2-interim", "T-3", 2, null, "Consolidated Messaging System(s)", true, 21 },
                    { "sim3-v2-interim", "T-4", 2, null, "Incident Tracking System", true, 22 },
                    { "sim3-v2-interim", "T-5", 2, null, "Resilient Voice Calls", true, 23 },
                    { "sim3-v2-interim", "T-6", 2, null, "Resilient Messaging", true, 24 },
                    { "sim3-v2-interim", "T-7", 2, null, "Resilient Internet Access", true, 25 },
                    { "sim3-v2-interim", "T-8", 2, null, "Incident Prevention Toolset", true, 26 },
                    { "sim3-v2-interim", "T-9", 2, null, "Incident Detection Toolset", true, 27 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_MaturityAssessments_Id",
                table: "MaturityAssessments",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MaturityAssessments_ModelKey_OrganisationId_Status_Date",
                table: "MaturityAssessments",
                columns: new[] { "ModelKey", "OrganisationId", "Status", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_MaturityAssessments_SeriesId_Version",
                table: "MaturityAssessments",
                columns: new[] { "SeriesId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MaturityProfiles_Id",
                table: "MaturityProfiles",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MaturityProfiles_ModelKey",
                table: "MaturityProfiles",
                column: "ModelKey");

            migrationBuilder.CreateIndex(
                name: "IX_MaturityProfiles_SeriesId_Version",
                table: "MaturityProfiles",
                columns: new[] { "SeriesId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MaturityComparisonOptIns");

            migrationBuilder.DropTable(
                name: "MaturityParameterTexts");

            migrationBuilder.DropTable(
                name: "MaturityProfileLevels");

            migrationBuilder.DropTable(
                name: "MaturityRatings");

            migrationBuilder.DropTable(
                name: "MaturityParameters");

            migrationBuilder.DropTable(
                name: "MaturityProfiles");

            migrationBuilder.DropTable(
                name: "MaturityAssessments");

            migrationBuilder.DropTable(
                name: "MaturityModelVersions");
        }
    }
}
