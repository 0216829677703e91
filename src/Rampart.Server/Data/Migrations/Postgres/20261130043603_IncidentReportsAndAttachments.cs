using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IncidentReportsAndAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IncidentReports",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<int>(type: "integer", nullable: false),
                    ReporterUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReporterOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReporterEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Text = table.Column<string>(type: "character varying(1000000)", maxLength: 1000000, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    RejectionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentReports", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_IncidentReports_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentReportSequences",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentReportSequences", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "IncidentAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReportRecordId = table.Column<long>(type: "bigint", nullable: true),
                    IncidentRecordId = table.Column<long>(type: "bigint", nullable: true),
                    JournalEntryId = table.Column<Guid>(type: "uuid", nullable: true),
                    FileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    DeclaredContentType = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Sample = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedByOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentAttachments_IncidentReports_ReportRecordId",
                        column: x => x.ReportRecordId,
                        principalTable: "IncidentReports",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_IncidentAttachments_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentReportEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ReportRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Event = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentReportEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentReportEvents_IncidentReports_ReportRecordId",
                        column: x => x.ReportRecordId,
                        principalTable: "IncidentReports",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentReportLinks",
                columns: table => new
                {
                    ReportRecordId = table.Column<long>(type: "bigint", nullable: false),
                    IncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    LinkedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    LinkedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentReportLinks", x => new { x.ReportRecordId, x.IncidentRecordId });
                    table.ForeignKey(
                        name: "FK_IncidentReportLinks_IncidentReports_ReportRecordId",
                        column: x => x.ReportRecordId,
                        principalTable: "IncidentReports",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_IncidentReportLinks_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MailIntakeReceipts",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReportRecordId = table.Column<long>(type: "bigint", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailIntakeReceipts", x => x.Key);
                    table.ForeignKey(
                        name: "FK_MailIntakeReceipts_IncidentReports_ReportRecordId",
                        column: x => x.ReportRecordId,
                        principalTable: "IncidentReports",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentAttachmentContents",
                columns: table => new
                {
                    AttachmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentAttachmentContents", x => x.AttachmentId);
                    table.ForeignKey(
                        name: "FK_IncidentAttachmentContents_IncidentAttachments_AttachmentId",
                        column: x => x.AttachmentId,
                        principalTable: "IncidentAttachments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentAttachments_IncidentRecordId_JournalEntryId",
                table: "IncidentAttachments",
                columns: new[] { "IncidentRecordId", "JournalEntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentAttachments_ReportRecordId_Id",
                table: "IncidentAttachments",
                columns: new[] { "ReportRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReportEvents_ReportRecordId_Id",
                table: "IncidentReportEvents",
                columns: new[] { "ReportRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReportLinks_IncidentRecordId_ReportRecordId",
                table: "IncidentReportLinks",
                columns: new[] { "IncidentRecordId", "ReportRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReports_Id",
                table: "IncidentReports",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReports_Status_RecordId",
                table: "IncidentReports",
                columns: new[] { "Status", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentReports_Year_Number",
                table: "IncidentReports",
                columns: new[] { "Year", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailIntakeReceipts_ReportRecordId",
                table: "MailIntakeReceipts",
                column: "ReportRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_MailIntakeReceipts_Sha256",
                table: "MailIntakeReceipts",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentAttachmentContents");

            migrationBuilder.DropTable(
                name: "IncidentReportEvents");

            migrationBuilder.DropTable(
                name: "IncidentReportLinks");

            migrationBuilder.DropTable(
                name: "IncidentReportSequences");

            migrationBuilder.DropTable(
                name: "MailIntakeReceipts");

            migrationBuilder.DropTable(
                name: "IncidentAttachments");

            migrationBuilder.DropTable(
                name: "IncidentReports");
        }
    }
}
