using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddCapacityPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CapacityPlans",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceAssessmentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TargetProfileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TargetGroups = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlans", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_CapacityPlans_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Budget = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Funding = table.Column<int>(type: "INTEGER", nullable: false),
                    FundingProjectId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SourceKind = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TemplateKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActions_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanCampaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    EndDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Languages = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanCampaigns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanCampaigns_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanIndicators",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Target = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: true),
                    LowerIsBetter = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanIndicators", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanIndicators_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanStatusChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    ActionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanStatusChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanStatusChanges_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanTitleTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanTitleTerms", x => new { x.Term, x.RecordId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanTitleTerms_CapacityPlans_RecordId",
                        column: x => x.RecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionDependencies",
                columns: table => new
                {
                    ActionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DependsOnId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionDependencies", x => new { x.ActionId, x.DependsOnId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionDependencies_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionDependencies_CapacityPlanActions_DependsOnId",
                        column: x => x.DependsOnId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionNotes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ActionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionNotes_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionParameters",
                columns: table => new
                {
                    ActionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParameterId = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    TargetLevel = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionParameters", x => new { x.ActionId, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionParameters_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanMaterials",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    CampaignId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanMaterials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanMaterials_CapacityPlanCampaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "CapacityPlanCampaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_CapacityPlanMaterials_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanIndicatorValues",
                columns: table => new
                {
                    IndicatorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Value = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanIndicatorValues", x => new { x.IndicatorId, x.Date });
                    table.ForeignKey(
                        name: "FK_CapacityPlanIndicatorValues_CapacityPlanIndicators_IndicatorId",
                        column: x => x.IndicatorId,
                        principalTable: "CapacityPlanIndicators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActionDependencies_DependsOnId",
                table: "CapacityPlanActionDependencies",
                column: "DependsOnId");

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActionNotes_ActionId_Id",
                table: "CapacityPlanActionNotes",
                columns: new[] { "ActionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActions_PlanRecordId_Number",
                table: "CapacityPlanActions",
                columns: new[] { "PlanRecordId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanCampaigns_PlanRecordId_Id",
                table: "CapacityPlanCampaigns",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanIndicators_PlanRecordId_Id",
                table: "CapacityPlanIndicators",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanMaterials_CampaignId",
                table: "CapacityPlanMaterials",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanMaterials_PlanRecordId_Id",
                table: "CapacityPlanMaterials",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlans_Id",
                table: "CapacityPlans",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanStatusChanges_PlanRecordId_Id",
                table: "CapacityPlanStatusChanges",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanTitleTerms_RecordId",
                table: "CapacityPlanTitleTerms",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CapacityPlanActionDependencies");

            migrationBuilder.DropTable(
                name: "CapacityPlanActionNotes");

            migrationBuilder.DropTable(
                name: "CapacityPlanActionParameters");

            migrationBuilder.DropTable(
                name: "CapacityPlanIndicatorValues");

            migrationBuilder.DropTable(
                name: "CapacityPlanMaterials");

            migrationBuilder.DropTable(
                name: "CapacityPlanStatusChanges");

            migrationBuilder.DropTable(
                name: "CapacityPlanTitleTerms");

            migrationBuilder.DropTable(
                name: "CapacityPlanActions");

            migrationBuilder.DropTable(
                name: "CapacityPlanIndicators");

            migrationBuilder.DropTable(
                name: "CapacityPlanCampaigns");

            migrationBuilder.DropTable(
                name: "CapacityPlans");
        }
    }
}
