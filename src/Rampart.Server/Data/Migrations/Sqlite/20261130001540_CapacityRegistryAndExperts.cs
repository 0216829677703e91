using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CapacityRegistryAndExperts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CapacityProjects",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CodeKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    TitleKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Start = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    End = table.Column<string>(type: "TEXT", maxLength: 7, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Aim = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Context = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Outcomes = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Budget = table.Column<long>(type: "INTEGER", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Lists = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityProjects", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_CapacityProjects_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertProfiles",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Availability = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Programme = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ProfileText = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    ShowEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    Lists = table.Column<string>(type: "TEXT", nullable: false),
                    ConsentedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConsentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertProfiles", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_ExpertProfiles_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpertUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpertProfileId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpertName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FromUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Response = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CapacityProjectFacets",
                columns: table => new
                {
                    Kind = table.Column<short>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityProjectFacets", x => new { x.Kind, x.Value, x.RecordId });
                    table.ForeignKey(
                        name: "FK_CapacityProjectFacets_CapacityProjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "CapacityProjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityProjectSuggestions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProjectRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Proposed = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DecisionNote = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityProjectSuggestions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityProjectSuggestions_CapacityProjects_ProjectRecordId",
                        column: x => x.ProjectRecordId,
                        principalTable: "CapacityProjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertFacets",
                columns: table => new
                {
                    Kind = table.Column<short>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertFacets", x => new { x.Kind, x.Value, x.RecordId });
                    table.ForeignKey(
                        name: "FK_ExpertFacets_ExpertProfiles_RecordId",
                        column: x => x.RecordId,
                        principalTable: "ExpertProfiles",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjectFacets_RecordId",
                table: "CapacityProjectFacets",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjects_CodeKey_RecordId",
                table: "CapacityProjects",
                columns: new[] { "CodeKey", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjects_Id",
                table: "CapacityProjects",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjects_TitleKey_RecordId",
                table: "CapacityProjects",
                columns: new[] { "TitleKey", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjectSuggestions_OrganisationId_Id",
                table: "CapacityProjectSuggestions",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityProjectSuggestions_ProjectRecordId_Id",
                table: "CapacityProjectSuggestions",
                columns: new[] { "ProjectRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertFacets_RecordId",
                table: "ExpertFacets",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertProfiles_Id",
                table: "ExpertProfiles",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExpertProfiles_UserId",
                table: "ExpertProfiles",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRequests_ExpertUserId_Id",
                table: "ExpertRequests",
                columns: new[] { "ExpertUserId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRequests_FromUserId_Id",
                table: "ExpertRequests",
                columns: new[] { "FromUserId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CapacityProjectFacets");

            migrationBuilder.DropTable(
                name: "CapacityProjectSuggestions");

            migrationBuilder.DropTable(
                name: "ExpertFacets");

            migrationBuilder.DropTable(
                name: "ExpertRequests");

            migrationBuilder.DropTable(
                name: "CapacityProjects");

            migrationBuilder.DropTable(
                name: "ExpertProfiles");
        }
    }
}
