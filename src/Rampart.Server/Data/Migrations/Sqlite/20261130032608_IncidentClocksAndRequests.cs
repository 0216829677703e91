using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncidentClocksAndRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AssistanceRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Details = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RequesterOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequesterUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssistanceRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssistanceRequests_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentClocks",
                columns: table => new
                {
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    HandlingEndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BreachAwareAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BreachJurisdiction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentClocks", x => x.IncidentRecordId);
                    table.ForeignKey(
                        name: "FK_IncidentClocks_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentDeadlines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: true),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Label = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OwnerOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    ForOrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FromOrganisationId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentDeadlines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentDeadlines_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentIntermediateRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestedByOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentIntermediateRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentIntermediateRequests_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentStageReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Due = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubmittedByOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", maxLength: 1000000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentStageReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentStageReports_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AssistanceRecipients",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestId = table.Column<long>(type: "INTEGER", nullable: false),
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequesterOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Open = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 50000, nullable: true),
                    AnsweredByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssistanceRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssistanceRecipients_AssistanceRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "AssistanceRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AssistanceRecipients_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_OrganisationId_Id",
                table: "AssistanceRecipients",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_OrganisationId_Open_Id",
                table: "AssistanceRecipients",
                columns: new[] { "OrganisationId", "Open", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_PublicId",
                table: "AssistanceRecipients",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_RequesterOrganisationId_Id",
                table: "AssistanceRecipients",
                columns: new[] { "RequesterOrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_RequesterOrganisationId_Open_Id",
                table: "AssistanceRecipients",
                columns: new[] { "RequesterOrganisationId", "Open", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRecipients_RequestId_OrganisationId",
                table: "AssistanceRecipients",
                columns: new[] { "RequestId", "OrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRequests_IncidentRecordId_Id",
                table: "AssistanceRequests",
                columns: new[] { "IncidentRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AssistanceRequests_PublicId",
                table: "AssistanceRequests",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IncidentDeadlines_DueAt_Id",
                table: "IncidentDeadlines",
                columns: new[] { "DueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentDeadlines_IncidentRecordId_Kind",
                table: "IncidentDeadlines",
                columns: new[] { "IncidentRecordId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentDeadlines_SourceId",
                table: "IncidentDeadlines",
                column: "SourceId");

            migrationBuilder.CreateIndex(
                name: "IX_IncidentIntermediateRequests_IncidentRecordId_Id",
                table: "IncidentIntermediateRequests",
                columns: new[] { "IncidentRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentStageReports_IncidentRecordId_Stage_Sequence_Version",
                table: "IncidentStageReports",
                columns: new[] { "IncidentRecordId", "Stage", "Sequence", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IncidentStageReports_PublicId",
                table: "IncidentStageReports",
                column: "PublicId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AssistanceRecipients");

            migrationBuilder.DropTable(
                name: "IncidentClocks");

            migrationBuilder.DropTable(
                name: "IncidentDeadlines");

            migrationBuilder.DropTable(
                name: "IncidentIntermediateRequests");

            migrationBuilder.DropTable(
                name: "IncidentStageReports");

            migrationBuilder.DropTable(
                name: "AssistanceRequests");
        }
    }
}
