using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrainingAndSkills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EcsfFrameworks",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Released = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EcsfFrameworks", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "EcsfItems",
                columns: table => new
                {
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Kind = table.Column<short>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EcsfItems", x => new { x.FrameworkKey, x.ItemId });
                    table.ForeignKey(
                        name: "FK_EcsfItems_EcsfFrameworks_FrameworkKey",
                        column: x => x.FrameworkKey,
                        principalTable: "EcsfFrameworks",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EcsfProfiles",
                columns: table => new
                {
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProfileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Mission = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    AlternativeTitles = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Deliverables = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EcsfProfiles", x => new { x.FrameworkKey, x.ProfileId });
                    table.ForeignKey(
                        name: "FK_EcsfProfiles_EcsfFrameworks_FrameworkKey",
                        column: x => x.FrameworkKey,
                        principalTable: "EcsfFrameworks",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TrainingCourses",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Format = table.Column<short>(type: "INTEGER", nullable: false),
                    Level = table.Column<short>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Hours = table.Column<decimal>(type: "TEXT", precision: 7, scale: 2, nullable: false),
                    Network = table.Column<bool>(type: "INTEGER", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourses", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_TrainingCourses_EcsfFrameworks_FrameworkKey",
                        column: x => x.FrameworkKey,
                        principalTable: "EcsfFrameworks",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingCourses_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingPeople",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingPeople", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_TrainingPeople_EcsfFrameworks_FrameworkKey",
                        column: x => x.FrameworkKey,
                        principalTable: "EcsfFrameworks",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingPeople_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EcsfProfileItems",
                columns: table => new
                {
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProfileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EcsfProfileItems", x => new { x.FrameworkKey, x.ProfileId, x.ItemId });
                    table.ForeignKey(
                        name: "FK_EcsfProfileItems_EcsfItems_FrameworkKey_ItemId",
                        columns: x => new { x.FrameworkKey, x.ItemId },
                        principalTable: "EcsfItems",
                        principalColumns: new[] { "FrameworkKey", "ItemId" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EcsfProfileItems_EcsfProfiles_FrameworkKey_ProfileId",
                        columns: x => new { x.FrameworkKey, x.ProfileId },
                        principalTable: "EcsfProfiles",
                        principalColumns: new[] { "FrameworkKey", "ProfileId" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TrainingCourseItems",
                columns: table => new
                {
                    CourseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourseItems", x => new { x.CourseRecordId, x.FrameworkKey, x.ItemId });
                    table.ForeignKey(
                        name: "FK_TrainingCourseItems_EcsfItems_FrameworkKey_ItemId",
                        columns: x => new { x.FrameworkKey, x.ItemId },
                        principalTable: "EcsfItems",
                        principalColumns: new[] { "FrameworkKey", "ItemId" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingCourseItems_TrainingCourses_CourseRecordId",
                        column: x => x.CourseRecordId,
                        principalTable: "TrainingCourses",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingCourseProfiles",
                columns: table => new
                {
                    CourseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProfileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourseProfiles", x => new { x.CourseRecordId, x.FrameworkKey, x.ProfileId });
                    table.ForeignKey(
                        name: "FK_TrainingCourseProfiles_EcsfProfiles_FrameworkKey_ProfileId",
                        columns: x => new { x.FrameworkKey, x.ProfileId },
                        principalTable: "EcsfProfiles",
                        principalColumns: new[] { "FrameworkKey", "ProfileId" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingCourseProfiles_TrainingCourses_CourseRecordId",
                        column: x => x.CourseRecordId,
                        principalTable: "TrainingCourses",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CourseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Online = table.Column<bool>(type: "INTEGER", nullable: false),
                    Place = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Trainer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: true),
                    ProjectId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrainingSessions_TrainingCourses_CourseRecordId",
                        column: x => x.CourseRecordId,
                        principalTable: "TrainingCourses",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingCertificates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IssuedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ExpiresOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCertificates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrainingCertificates_TrainingPeople_PersonRecordId",
                        column: x => x.PersonRecordId,
                        principalTable: "TrainingPeople",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingPersonProfiles",
                columns: table => new
                {
                    PersonRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProfileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingPersonProfiles", x => new { x.PersonRecordId, x.FrameworkKey, x.ProfileId });
                    table.ForeignKey(
                        name: "FK_TrainingPersonProfiles_EcsfProfiles_FrameworkKey_ProfileId",
                        columns: x => new { x.FrameworkKey, x.ProfileId },
                        principalTable: "EcsfProfiles",
                        principalColumns: new[] { "FrameworkKey", "ProfileId" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingPersonProfiles_TrainingPeople_PersonRecordId",
                        column: x => x.PersonRecordId,
                        principalTable: "TrainingPeople",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingProficiencies",
                columns: table => new
                {
                    PersonRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Level = table.Column<short>(type: "INTEGER", nullable: false),
                    AssessedBy = table.Column<short>(type: "INTEGER", nullable: false),
                    AssessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingProficiencies", x => new { x.PersonRecordId, x.FrameworkKey, x.ItemId });
                    table.ForeignKey(
                        name: "FK_TrainingProficiencies_EcsfItems_FrameworkKey_ItemId",
                        columns: x => new { x.FrameworkKey, x.ItemId },
                        principalTable: "EcsfItems",
                        principalColumns: new[] { "FrameworkKey", "ItemId" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TrainingProficiencies_TrainingPeople_PersonRecordId",
                        column: x => x.PersonRecordId,
                        principalTable: "TrainingPeople",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingEnrolments",
                columns: table => new
                {
                    PersonRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<short>(type: "INTEGER", nullable: false),
                    EnrolledAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingEnrolments", x => new { x.PersonRecordId, x.SessionId });
                    table.ForeignKey(
                        name: "FK_TrainingEnrolments_TrainingPeople_PersonRecordId",
                        column: x => x.PersonRecordId,
                        principalTable: "TrainingPeople",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TrainingEnrolments_TrainingSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "TrainingSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "EcsfFrameworks",
                columns: new[] { "Key", "Released", "Title" },
                values: new object[] { "ecsf-v1", new DateOnly(2022, 9, 19), "European Cybersecurity Skills Framework (ECSF) v1" });

            migrationBuilder.InsertData(
                table: "EcsfItems",
                columns: new[] { "FrameworkKey", "ItemId", "Kind", "Text" },
                values: new object[,]
                {
                    { "ecsf-v1", "E-A.1", (short)3, "A.1. IS and Business Strategy Alignment" },
                    { "ecsf-v1", "E-A.5", (short)3, "A.5. Architecture Design" },
                    { "ecsf-v1", "E-A.6", (short)3, "A.6. Application Design" },
                    { "ecsf-v1", "E-A.7", (short)3, "A.7. Technology Trend Monitoring" },
                    { "ecsf-v1", "E-A.9", (short)3, "A.9. Innovating" },
                    { "ecsf-v1", "E-B.1", (short)3, "B.1. Application Development" },
                    { "ecsf-v1", "E-B.2", (short)3, "B.2. Component Integration" },
                    { "ecsf-v1", "E-B.3", (short)3, "B.3. Testing" },
                    { "ecsf-v1", "E-B.4", (short)3, "B.4. Solution Deployment" },
                    { "ecsf-v1", "E-B.5", (short)3, "B.5. Documentation Production" },
                    { "ecsf-v1", "E-B.6", (short)3, "B.6. ICT Systems Engineering" },
                    { "ecsf-v1", "E-C.4", (short)3, "C.4. Problem Management" },
                    { "ecsf-v1", "E-D.1", (short)3, "D.1. Information Security Strategy Development" },
                    { "ecsf-v1", "E-D.10", (short)3, "D.10. Information and Knowledge Management" },
                    { "ecsf-v1", "E-D.3", (short)3, "D.3. Education and Training Provision" },
                    { "ecsf-v1", "E-D.7", (short)3, "D.7. Data Science and Analytics" },
                    { "ecsf-v1", "E-D.9", (short)3, "D.9. Personnel Development" },
                    { "ecsf-v1", "E-E.3", (short)3, "E.3. Risk Management" },
                    { "ecsf-v1", "E-E.4", (short)3, "E.4. Relationship Management" },
                    { "ecsf-v1", "E-E.5", (short)3, "E.5. Process Improvement" },
                    { "ecsf-v1", "E-E.6", (short)3, "E.6. ICT Quality Management" },
                    { "ecsf-v1", "E-E.7", (short)3, "E.7. Business Change Management" },
                    { "ecsf-v1", "E-E.8", (short)3, "E.8. Information Security Management" },
                    { "ecsf-v1", "E-E.9", (short)3, "E.9. Information Systems Governance" },
                    { "ecsf-v1", "K-001", (short)2, "Cybersecurity maturity models" },
                    { "ecsf-v1", "K-002", (short)2, "Cybersecurity policies" },
                    { "ecsf-v1", "K-003", (short)2, "Cybersecurity procedures" },
                    { "ecsf-v1", "K-004", (short)2, "Cybersecurity recommendations and best practices" },
                    { "ecsf-v1", "K-005", (short)2, "Cybersecurity related laws, regulations and legislations" },
                    { "ecsf-v1", "K-006", (short)2, "Cybersecurity standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-007", (short)2, "Cybersecurity-related certifications" },
                    { "ecsf-v1", "K-008", (short)2, "Ethical cybersecurity organisation requirements" },
                    { "ecsf-v1", "K-009", (short)2, "Management practices" },
                    { "ecsf-v1", "K-010", (short)2, "Resource management" },
                    { "ecsf-v1", "K-011", (short)2, "Risk management standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-012", (short)2, "Computer networks security" },
                    { "ecsf-v1", "K-013", (short)2, "Computer Security Incident Response Teams (CSIRTs) operation" },
                    { "ecsf-v1", "K-014", (short)2, "Computer systems vulnerabilities" },
                    { "ecsf-v1", "K-015", (short)2, "Cyber threats" },
                    { "ecsf-v1", "K-016", (short)2, "Cybersecurity attack procedures" },
                    { "ecsf-v1", "K-017", (short)2, "Incident handling communication procedures" },
                    { "ecsf-v1", "K-018", (short)2, "Incident handling recommendations and best practices" },
                    { "ecsf-v1", "K-019", (short)2, "Incident handling standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-020", (short)2, "Incident handling tools" },
                    { "ecsf-v1", "K-021", (short)2, "Operating systems security" },
                    { "ecsf-v1", "K-022", (short)2, "Secure Operation Centres (SOCs) operation" },
                    { "ecsf-v1", "K-023", (short)2, "Legal, regulatory and legislative compliance requirements, recommendations and best practices" },
                    { "ecsf-v1", "K-024", (short)2, "Privacy impact assessment standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-025", (short)2, "Advanced and persistent cyber threats (APT)" },
                    { "ecsf-v1", "K-026", (short)2, "Computer programming" },
                    { "ecsf-v1", "K-027", (short)2, "Cross-domain and border-domain knowledge related to cybersecurity" },
                    { "ecsf-v1", "K-028", (short)2, "Cyber threat actors" },
                    { "ecsf-v1", "K-029", (short)2, "Cyber Threat Intelligence (CTI) sharing standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-030", (short)2, "Cybersecurity controls and solutions" },
                    { "ecsf-v1", "K-031", (short)2, "Responsible information disclosure procedures" },
                    { "ecsf-v1", "K-032", (short)2, "Threat actors Tactics, Techniques and Procedures (TTPs)" },
                    { "ecsf-v1", "K-033", (short)2, "Cybersecurity risks" },
                    { "ecsf-v1", "K-034", (short)2, "Cybersecurity trends" },
                    { "ecsf-v1", "K-035", (short)2, "Cybersecurity-related requirements analysis" },
                    { "ecsf-v1", "K-036", (short)2, "Cybersecurity-related technologies" },
                    { "ecsf-v1", "K-037", (short)2, "Legacy cybersecurity procedures" },
                    { "ecsf-v1", "K-038", (short)2, "Privacy-by-design standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-039", (short)2, "Privacy-Enhancing Technologies (PET)" },
                    { "ecsf-v1", "K-040", (short)2, "Secure development lifecycle" },
                    { "ecsf-v1", "K-041", (short)2, "Security architecture reference models" },
                    { "ecsf-v1", "K-042", (short)2, "Auditing standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-043", (short)2, "Auditing-related certification" },
                    { "ecsf-v1", "K-044", (short)2, "Conformity assessment standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-045", (short)2, "Monitoring, testing and evaluating cybersecurity controls' effectiveness" },
                    { "ecsf-v1", "K-046", (short)2, "Cybersecurity awareness, education and training programme development" },
                    { "ecsf-v1", "K-047", (short)2, "Cybersecurity education and training standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-048", (short)2, "Pedagogical standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-049", (short)2, "Offensive and defensive security practices" },
                    { "ecsf-v1", "K-050", (short)2, "Secure coding recommendations and best practices" },
                    { "ecsf-v1", "K-051", (short)2, "Testing procedures" },
                    { "ecsf-v1", "K-052", (short)2, "Testing standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-053", (short)2, "Cybersecurity-related research, development and innovation (RDI)" },
                    { "ecsf-v1", "K-054", (short)2, "Legal, regulatory and legislative requirements on releasing or using cybersecurity related technologies" },
                    { "ecsf-v1", "K-055", (short)2, "Multidiscipline aspect of cybersecurity" },
                    { "ecsf-v1", "K-056", (short)2, "Risk management recommendations and best practices" },
                    { "ecsf-v1", "K-057", (short)2, "Risk management tools" },
                    { "ecsf-v1", "K-058", (short)2, "Criminal investigation procedures, standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-059", (short)2, "Digital forensics analysis procedures" },
                    { "ecsf-v1", "K-060", (short)2, "Digital forensics recommendations and best practices" },
                    { "ecsf-v1", "K-061", (short)2, "Digital forensics standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-062", (short)2, "Malware analysis tools" },
                    { "ecsf-v1", "K-063", (short)2, "Information technology (IT) and operational technology (OT) appliances" },
                    { "ecsf-v1", "K-064", (short)2, "Offensive and defensive security procedures" },
                    { "ecsf-v1", "K-065", (short)2, "Penetration testing procedures" },
                    { "ecsf-v1", "K-066", (short)2, "Penetration testing standards, methodologies and frameworks" },
                    { "ecsf-v1", "K-067", (short)2, "Penetration testing tools" },
                    { "ecsf-v1", "S-001", (short)1, "Analyse and comply with cybersecurity-related laws, regulations and legislations" },
                    { "ecsf-v1", "S-002", (short)1, "Analyse and implement cybersecurity policies, certifications, standards, methodologies and frameworks" },
                    { "ecsf-v1", "S-003", (short)1, "Anticipate cybersecurity threats, needs and upcoming challenges" },
                    { "ecsf-v1", "S-004", (short)1, "Anticipate required changes to the organisation's information security strategy and formulate new plans" },
                    { "ecsf-v1", "S-005", (short)1, "Assess and enhance an organisation's cybersecurity posture" },
                    { "ecsf-v1", "S-006", (short)1, "Communicate, coordinate and cooperate with internal and external stakeholders" },
                    { "ecsf-v1", "S-007", (short)1, "Define and apply maturity models for cybersecurity management" },
                    { "ecsf-v1", "S-008", (short)1, "Design, apply, monitor and review Information Security Management System (ISMS) either directly or by leading its outsourcing" },
                    { "ecsf-v1", "S-009", (short)1, "Develop, champion and lead the execution of a cybersecurity strategy" },
                    { "ecsf-v1", "S-010", (short)1, "Establish a cybersecurity plan" },
                    { "ecsf-v1", "S-011", (short)1, "Identify and solve cybersecurity-related issues" },
                    { "ecsf-v1", "S-012", (short)1, "Implement cybersecurity recommendations and best practices" },
                    { "ecsf-v1", "S-013", (short)1, "Influence an organisation's cybersecurity culture" },
                    { "ecsf-v1", "S-014", (short)1, "Manage cybersecurity resources" },
                    { "ecsf-v1", "S-015", (short)1, "Motivate and encourage people" },
                    { "ecsf-v1", "S-016", (short)1, "Review and enhance security documents, reports, SLAs and ensure the security objectives" },
                    { "ecsf-v1", "S-017", (short)1, "Collect, analyse and correlate cyber threat information originating from multiple sources" },
                    { "ecsf-v1", "S-018", (short)1, "Communicate, present and report to relevant stakeholders" },
                    { "ecsf-v1", "S-019", (short)1, "Manage and analyse log files" },
                    { "ecsf-v1", "S-020", (short)1, "Practice all technical, functional and operational aspects of cybersecurity incident handling and response" },
                    { "ecsf-v1", "S-021", (short)1, "Work on operating systems, servers, clouds and relevant infrastructures" },
                    { "ecsf-v1", "S-022", (short)1, "Work under pressure" },
                    { "ecsf-v1", "S-023", (short)1, "Carry out working-life practices of the data protection and privacy issues involved in the implementation of the organisational processes, finance and business strategy" },
                    { "ecsf-v1", "S-024", (short)1, "Collaborate with other team members and colleagues" },
                    { "ecsf-v1", "S-025", (short)1, "Comprehensive understanding of the business strategy, models and products and ability to factor into legal, regulatory and standards' requirements" },
                    { "ecsf-v1", "S-026", (short)1, "Conduct, monitor and review privacy impact assessments using standards, frameworks, acknowledged methodologies and tools" },
                    { "ecsf-v1", "S-027", (short)1, "Explain and communicate data protection and privacy topics to stakeholders and users" },
                    { "ecsf-v1", "S-028", (short)1, "Lead the development of appropriate cybersecurity and privacy policies and procedures that complement the business needs and legal requirements; further ensure its acceptance, comprehension and implementation and communicate it between the involved parties" },
                    { "ecsf-v1", "S-029", (short)1, "Understand legal framework modifications implications to the organisation's cybersecurity and data protection strategy and policies" },
                    { "ecsf-v1", "S-030", (short)1, "Understand, practice and adhere to ethical requirements and standards" },
                    { "ecsf-v1", "S-031", (short)1, "Automate threat intelligence management procedures" },
                    { "ecsf-v1", "S-032", (short)1, "Conduct technical analysis and reporting" },
                    { "ecsf-v1", "S-033", (short)1, "Identify non-cyber events with implications on cyber-related activities" },
                    { "ecsf-v1", "S-034", (short)1, "Identify threat actors TTPs and campaigns" },
                    { "ecsf-v1", "S-035", (short)1, "Model threats, actors and TTPs" },
                    { "ecsf-v1", "S-036", (short)1, "Use and apply CTI platforms and tools" },
                    { "ecsf-v1", "S-037", (short)1, "Build resilience against points of failure across the architecture" },
                    { "ecsf-v1", "S-038", (short)1, "Conduct user and business security requirements analysis" },
                    { "ecsf-v1", "S-039", (short)1, "Coordinate the integration of security solutions" },
                    { "ecsf-v1", "S-040", (short)1, "Decompose and analyse systems to develop security and privacy requirements and identify effective solutions" },
                    { "ecsf-v1", "S-041", (short)1, "Design systems and architectures based on security and privacy by design and by defaults cybersecurity principles" },
                    { "ecsf-v1", "S-042", (short)1, "Draw cybersecurity architectural and functional specifications" },
                    { "ecsf-v1", "S-043", (short)1, "Guide and communicate with implementers and IT/OT personnel" },
                    { "ecsf-v1", "S-044", (short)1, "Propose cybersecurity architectures based on stakeholder's needs and budget" },
                    { "ecsf-v1", "S-045", (short)1, "Select appropriate specifications, procedures and controls" },
                    { "ecsf-v1", "S-046", (short)1, "Analyse business processes, assess and review software or hardware security, as well as technical and organisational controls" },
                    { "ecsf-v1", "S-047", (short)1, "Apply auditing tools and techniques" },
                    { "ecsf-v1", "S-048", (short)1, "Audit with integrity, being impartial and independent" },
                    { "ecsf-v1", "S-049", (short)1, "Collect, evaluate, maintain and protect auditing information" },
                    { "ecsf-v1", "S-050", (short)1, "Communicate, explain and adapt legal and regulatory requirements and business needs" },
                    { "ecsf-v1", "S-051", (short)1, "Decompose and analyse systems to identify weaknesses and ineffective controls" },
                    { "ecsf-v1", "S-052", (short)1, "Follow and practice auditing frameworks, standards and methodologies" },
                    { "ecsf-v1", "S-053", (short)1, "Organise and work in a systematic and deterministic way based on evidence" },
                    { "ecsf-v1", "S-054", (short)1, "Design, develop and deliver learning programmes to cover cybersecurity needs" },
                    { "ecsf-v1", "S-055", (short)1, "Develop cybersecurity exercises including simulations using cyber range environments" },
                    { "ecsf-v1", "S-056", (short)1, "Develop evaluation programs for the awareness, training and education activities" },
                    { "ecsf-v1", "S-057", (short)1, "Identify and select appropriate pedagogical approaches for the intended audience" },
                    { "ecsf-v1", "S-058", (short)1, "Identify needs in cybersecurity awareness, training and education" },
                    { "ecsf-v1", "S-059", (short)1, "Provide training towards cybersecurity and data protection professional certifications" },
                    { "ecsf-v1", "S-060", (short)1, "Utilise existing cybersecurity-related training resources" },
                    { "ecsf-v1", "S-061", (short)1, "Assess the security and performance of solutions" },
                    { "ecsf-v1", "S-062", (short)1, "Configure solutions according to the organisation's security policy" },
                    { "ecsf-v1", "S-063", (short)1, "Develop codes, scripts and programmes" },
                    { "ecsf-v1", "S-064", (short)1, "Integrate cybersecurity solutions to the organisation's infrastructure" },
                    { "ecsf-v1", "S-065", (short)1, "Generate new ideas and transfer theory into practice" },
                    { "ecsf-v1", "S-066", (short)1, "Monitor new advancements in cybersecurity-related technologies" },
                    { "ecsf-v1", "S-067", (short)1, "Analyse and consolidate organisation's quality and risk management practices" },
                    { "ecsf-v1", "S-068", (short)1, "Build a cybersecurity risk-aware environment" },
                    { "ecsf-v1", "S-069", (short)1, "Enable business assets owners, executives and other stakeholders to make risk-informed decisions to manage and mitigate risks" },
                    { "ecsf-v1", "S-070", (short)1, "Implement cybersecurity risk management frameworks, methodologies and guidelines and ensure compliance with regulations and standards" },
                    { "ecsf-v1", "S-071", (short)1, "Propose and manage risk-sharing options" },
                    { "ecsf-v1", "S-072", (short)1, "Collect information while preserving its integrity" },
                    { "ecsf-v1", "S-073", (short)1, "Develop and communicate, detailed and reasoned investigation reports" },
                    { "ecsf-v1", "S-074", (short)1, "Explain and present digital evidence in a simple, straightforward and easy to understand way" },
                    { "ecsf-v1", "S-075", (short)1, "Identify, analyse and correlate cybersecurity events" },
                    { "ecsf-v1", "S-076", (short)1, "Work ethically and independently; not influenced and biased by internal or external actors" },
                    { "ecsf-v1", "S-077", (short)1, "Conduct ethical hacking" },
                    { "ecsf-v1", "S-078", (short)1, "Identify and exploit vulnerabilities" },
                    { "ecsf-v1", "S-079", (short)1, "Perform social engineering" },
                    { "ecsf-v1", "S-080", (short)1, "Review codes assess their security" },
                    { "ecsf-v1", "S-081", (short)1, "Think creatively and outside the box" },
                    { "ecsf-v1", "S-082", (short)1, "Use penetration testing tools effectively" },
                    { "ecsf-v1", "T-001", (short)0, "Define, implement, communicate and maintain cybersecurity goals, requirements, strategies, policies, aligned with the business strategy to support the organisational objectives" },
                    { "ecsf-v1", "T-002", (short)0, "Develop cybersecurity plans" },
                    { "ecsf-v1", "T-003", (short)0, "Develop relationships with cybersecurity-related authorities and communities" },
                    { "ecsf-v1", "T-004", (short)0, "Educate senior management about cybersecurity risks, threats and their impact to the organisation" },
                    { "ecsf-v1", "T-005", (short)0, "Ensure the organisation's resiliency to cyber incidents" },
                    { "ecsf-v1", "T-006", (short)0, "Ensure the senior management approves the cybersecurity risks of the organisation" },
                    { "ecsf-v1", "T-007", (short)0, "Manage continuous capacity building within the organisation" },
                    { "ecsf-v1", "T-008", (short)0, "Monitor advancement in cybersecurity" },
                    { "ecsf-v1", "T-009", (short)0, "Negotiate the cybersecurity budget with the senior management" },
                    { "ecsf-v1", "T-010", (short)0, "Prepare and present cybersecurity vision, strategies and policies for approval by the senior management of the organisation and ensure their execution" },
                    { "ecsf-v1", "T-011", (short)0, "Report cybersecurity incidents, risks, findings to the senior management" },
                    { "ecsf-v1", "T-012", (short)0, "Review, plan and allocate appropriate cybersecurity resources" },
                    { "ecsf-v1", "T-013", (short)0, "Secure resources to implement the cybersecurity strategy" },
                    { "ecsf-v1", "T-014", (short)0, "Supervise the application and improvement of the Information Security Management System (ISMS)" },
                    { "ecsf-v1", "T-015", (short)0, "Adopt and develop incident handling testing techniques" },
                    { "ecsf-v1", "T-016", (short)0, "Assess and manage technical vulnerabilities" },
                    { "ecsf-v1", "T-017", (short)0, "Contribute to the development, maintenance and assessment of the Incident Response Plan" },
                    { "ecsf-v1", "T-018", (short)0, "Cooperate with key personnel for reporting of security incidents according to applicable legal framework" },
                    { "ecsf-v1", "T-019", (short)0, "Cooperate with Secure Operation Centres (SOCs) and Computer Security Incident Response Teams (CSIRTs)" },
                    { "ecsf-v1", "T-020", (short)0, "Develop, implement and assess procedures related to incident handling" },
                    { "ecsf-v1", "T-021", (short)0, "Document incident results analysis and incident handling actions" },
                    { "ecsf-v1", "T-022", (short)0, "Establish procedures for incident results analysis and incident handling reporting" },
                    { "ecsf-v1", "T-023", (short)0, "Evaluate the resilience of the cybersecurity controls and mitigation actions taken after a cybersecurity or data breach incident" },
                    { "ecsf-v1", "T-024", (short)0, "Identify, analyse, mitigate and communicate cybersecurity incidents" },
                    { "ecsf-v1", "T-025", (short)0, "Measure cybersecurity incidents detection and response effectiveness" },
                    { "ecsf-v1", "T-026", (short)0, "Act as a key contact point to handle queries and complaints regarding data processing" },
                    { "ecsf-v1", "T-027", (short)0, "Assist in designing, implementing, auditing and compliance testing activities in order to ensure cybersecurity and privacy compliance" },
                    { "ecsf-v1", "T-028", (short)0, "Conduct privacy impact assessments and develop, maintain, communicate and train upon the privacy policies, procedures" },
                    { "ecsf-v1", "T-029", (short)0, "Contribute to the development of the organisation's cybersecurity strategy, policy and procedures" },
                    { "ecsf-v1", "T-030", (short)0, "Cooperate and share information with authorities and professional groups" },
                    { "ecsf-v1", "T-031", (short)0, "Develop and propose staff awareness training to achieve compliance and foster a culture of data protection within the organization" },
                    { "ecsf-v1", "T-032", (short)0, "Enforce and advocate organisation's data privacy and protection program" },
                    { "ecsf-v1", "T-033", (short)0, "Ensure compliance with and provide legal advice and guidance on data privacy and data protection standards, laws and regulations" },
                    { "ecsf-v1", "T-034", (short)0, "Ensure that data owners, holders, controllers, processors, subjects, internal or external partners and entities are informed about their data protection rights, obligations and responsibilities" },
                    { "ecsf-v1", "T-035", (short)0, "Identify and document compliance gaps" },
                    { "ecsf-v1", "T-036", (short)0, "Manage legal aspects of information security responsibilities and third-party relations" },
                    { "ecsf-v1", "T-037", (short)0, "Monitor audits and data protection related training activities" },
                    { "ecsf-v1", "T-038", (short)0, "Articulate and communicate intelligence openly and publicly at all levels" },
                    { "ecsf-v1", "T-039", (short)0, "Convey the proper security severity by explaining the risk exposure and its consequences to non-technical stakeholders" },
                    { "ecsf-v1", "T-040", (short)0, "Coordinate with stakeholders to share and consume intelligence on relevant cyber threats" },
                    { "ecsf-v1", "T-041", (short)0, "Develop plans and procedures to manage threat intelligence" },
                    { "ecsf-v1", "T-042", (short)0, "Develop, implement and manage the organisation's cyber threat intelligence strategy" },
                    { "ecsf-v1", "T-043", (short)0, "Elaborate and advise on mitigation plans at the tactical, operational and strategic level" },
                    { "ecsf-v1", "T-044", (short)0, "Identify and assess cyber threat actors targeting the organisation" },
                    { "ecsf-v1", "T-045", (short)0, "Identify, monitor and assess the Tactics, Techniques and Procedures (TTPs) used by cyber threat actors by analysing open-source and proprietary data, information and intelligence" },
                    { "ecsf-v1", "T-046", (short)0, "Implement threat intelligence collection, analysis and production of actionable intelligence and dissemination to security stakeholders" },
                    { "ecsf-v1", "T-047", (short)0, "Leverage intelligence data to support and assist with threat modelling, recommendations for Risk Mitigation and cyber threat hunting" },
                    { "ecsf-v1", "T-048", (short)0, "Produce actionable reports based on threat intelligence data" },
                    { "ecsf-v1", "T-049", (short)0, "Translate business requirements into Intelligence Requirements" },
                    { "ecsf-v1", "T-050", (short)0, "Adapt the organisation's architecture to emerging threats" },
                    { "ecsf-v1", "T-051", (short)0, "Analyse and evaluate the cybersecurity of the organisation's architecture" },
                    { "ecsf-v1", "T-052", (short)0, "Assess the implemented architecture to maintain an appropriate level of security" },
                    { "ecsf-v1", "T-053", (short)0, "Assure the security of the solution architectures through security reviews and certification" },
                    { "ecsf-v1", "T-054", (short)0, "Collaborate with other teams and colleagues" },
                    { "ecsf-v1", "T-055", (short)0, "Coordinate the development, integration and maintenance of cybersecurity components ensuring the cybersecurity specifications" },
                    { "ecsf-v1", "T-056", (short)0, "Design and propose a secure architecture to implement the organisation's strategy" },
                    { "ecsf-v1", "T-057", (short)0, "Develop organisation's cybersecurity architecture to address security and privacy requirements" },
                    { "ecsf-v1", "T-058", (short)0, "Establish a secure environment during the development lifecycle of systems, services and products" },
                    { "ecsf-v1", "T-059", (short)0, "Evaluate the impact of cybersecurity solutions on the design and performance of the organisation's architecture" },
                    { "ecsf-v1", "T-060", (short)0, "Present high-level security architecture design to stakeholders" },
                    { "ecsf-v1", "T-061", (short)0, "Produce architectural documentation and specifications" },
                    { "ecsf-v1", "T-062", (short)0, "Audit compliance with cybersecurity-related applicable laws and regulations" },
                    { "ecsf-v1", "T-063", (short)0, "Audit conformity with cybersecurity-related applicable standards" },
                    { "ecsf-v1", "T-064", (short)0, "Define audit scope, objectives and criteria to audit against" },
                    { "ecsf-v1", "T-065", (short)0, "Develop an audit plan describing the frameworks, standards, methodology, procedures and auditing tests" },
                    { "ecsf-v1", "T-066", (short)0, "Develop and communicate conformity assessment, assurance, audit, certification and maintenance reports" },
                    { "ecsf-v1", "T-067", (short)0, "Develop the organisation's auditing policy, procedures, standards and guidelines" },
                    { "ecsf-v1", "T-068", (short)0, "Establish the methodologies and practices used for systems auditing" },
                    { "ecsf-v1", "T-069", (short)0, "Establish the target environment and manage auditing activities" },
                    { "ecsf-v1", "T-070", (short)0, "Execute the audit plan and collect evidence and measurements" },
                    { "ecsf-v1", "T-071", (short)0, "Maintain and protect the integrity of audit records" },
                    { "ecsf-v1", "T-072", (short)0, "Monitor risk remediation activities" },
                    { "ecsf-v1", "T-073", (short)0, "Review target of evaluation, security objectives and requirements based on the risk profile" },
                    { "ecsf-v1", "T-074", (short)0, "Continuously maintain and enhance expertise; encourage and empower continuous enhancement of cybersecurity capacities and capabilities building" },
                    { "ecsf-v1", "T-075", (short)0, "Design, develop and deliver cybersecurity simulations, virtual labs or cyber range environments" },
                    { "ecsf-v1", "T-076", (short)0, "Develop, update and deliver cybersecurity and data protection curricula and educational material for training and awareness based on content, method, tools, trainees need" },
                    { "ecsf-v1", "T-077", (short)0, "Evaluate and report trainee's performance" },
                    { "ecsf-v1", "T-078", (short)0, "Finding new approaches for education, training and awareness-raising" },
                    { "ecsf-v1", "T-079", (short)0, "Monitor, evaluate and report training effectiveness" },
                    { "ecsf-v1", "T-080", (short)0, "Organise, design and deliver cybersecurity and data protection awareness-raising activities, seminars, courses, practical training" },
                    { "ecsf-v1", "T-081", (short)0, "Provide guidance on cybersecurity certification programs for individuals" },
                    { "ecsf-v1", "T-082", (short)0, "Develop, implement, maintain, upgrade, test cybersecurity products" },
                    { "ecsf-v1", "T-083", (short)0, "Document and report on the security of systems, services and products" },
                    { "ecsf-v1", "T-084", (short)0, "Implement cybersecurity procedures and controls" },
                    { "ecsf-v1", "T-085", (short)0, "Implement, apply and manage patches to products to address technical vulnerabilities" },
                    { "ecsf-v1", "T-086", (short)0, "Integrate cybersecurity solutions and ensure their sound operation" },
                    { "ecsf-v1", "T-087", (short)0, "Maintain and upgrade the security of systems, services and products" },
                    { "ecsf-v1", "T-088", (short)0, "Monitor and assure the performance of the implemented cybersecurity controls" },
                    { "ecsf-v1", "T-089", (short)0, "Provide cybersecurity-related support to users and customers" },
                    { "ecsf-v1", "T-090", (short)0, "Securely configure systems, services and products" },
                    { "ecsf-v1", "T-091", (short)0, "Work close with the IT/OT personnel on cybersecurity-related actions" },
                    { "ecsf-v1", "T-092", (short)0, "Advance the current state-of-the-art in cybersecurity-related topics" },
                    { "ecsf-v1", "T-093", (short)0, "Analyse and assess cybersecurity technologies, solutions, developments and processes" },
                    { "ecsf-v1", "T-094", (short)0, "Assist in cybersecurity-related capacity building including awareness, theoretical training, practical training, testing, mentoring, supervising and sharing" },
                    { "ecsf-v1", "T-095", (short)0, "Assist in the development of innovative cybersecurity-related solutions" },
                    { "ecsf-v1", "T-096", (short)0, "Conduct experiments and develop a proof of concept, pilots and prototypes for cybersecurity solutions" },
                    { "ecsf-v1", "T-097", (short)0, "Conduct research, innovation and development work in cybersecurity-related topics" },
                    { "ecsf-v1", "T-098", (short)0, "Contributes towards cutting-edge cybersecurity business ideas, services and solutions" },
                    { "ecsf-v1", "T-099", (short)0, "Identify cross-sectoral cybersecurity achievements and apply them in a different context or propose innovative approaches and solutions" },
                    { "ecsf-v1", "T-100", (short)0, "Lead or participate in the innovation processes and projects including project management and budgeting" },
                    { "ecsf-v1", "T-101", (short)0, "Manifest and generate research and innovation ideas" },
                    { "ecsf-v1", "T-102", (short)0, "Publish and present scientific works and research and development results" },
                    { "ecsf-v1", "T-103", (short)0, "Select and apply frameworks, methods, standards, tools and protocols including a building and testing a proof of concept to support projects" },
                    { "ecsf-v1", "T-104", (short)0, "Assess cybersecurity risks and propose most appropriate risk treatment options, including security controls and risk mitigation and avoidance that best address the organisation's strategy" },
                    { "ecsf-v1", "T-105", (short)0, "Develop an organisation's cybersecurity risk management strategy" },
                    { "ecsf-v1", "T-106", (short)0, "Develop, maintain, report and communicate complete risk management cycle" },
                    { "ecsf-v1", "T-107", (short)0, "Ensure that all cybersecurity risks remain at an acceptable level for the organisation's assets" },
                    { "ecsf-v1", "T-108", (short)0, "Identification of threat landscape including attackers' profiles and estimation of attacks' potential" },
                    { "ecsf-v1", "T-109", (short)0, "Identify and assess cybersecurity-related threats and vulnerabilities of ICT systems" },
                    { "ecsf-v1", "T-110", (short)0, "Manage an inventory of organisation's assets" },
                    { "ecsf-v1", "T-111", (short)0, "Monitor effectiveness of cybersecurity controls and risk levels" },
                    { "ecsf-v1", "T-112", (short)0, "Develop digital forensics investigation policy, plans and procedures" },
                    { "ecsf-v1", "T-113", (short)0, "Identify, recover, extract, document and analyse digital evidence" },
                    { "ecsf-v1", "T-114", (short)0, "Inspect environments for evidence of unauthorised and unlawful actions" },
                    { "ecsf-v1", "T-115", (short)0, "Preserve and protect digital evidence and make it available to authorised stakeholders" },
                    { "ecsf-v1", "T-116", (short)0, "Select and customise forensics testing, analysing and reporting techniques" },
                    { "ecsf-v1", "T-117", (short)0, "Systematically and deterministic document, report and present digital forensic analysis findings and results" },
                    { "ecsf-v1", "T-118", (short)0, "Deploy penetration testing tools and test programs" },
                    { "ecsf-v1", "T-119", (short)0, "Document and report penetration testing results to stakeholders" },
                    { "ecsf-v1", "T-120", (short)0, "Establish procedures for penetration testing result analysis and reporting" },
                    { "ecsf-v1", "T-121", (short)0, "Identify attack vectors, uncover and demonstrate exploitation of technical cybersecurity vulnerabilities" },
                    { "ecsf-v1", "T-122", (short)0, "Identify, analyse and assess technical and organisational cybersecurity vulnerabilities" },
                    { "ecsf-v1", "T-123", (short)0, "Organise test plans and procedures for penetration testing" },
                    { "ecsf-v1", "T-124", (short)0, "Select and develop appropriate penetration testing techniques" },
                    { "ecsf-v1", "T-125", (short)0, "Test systems and operations compliance with regulatory standards" }
                });

            migrationBuilder.InsertData(
                table: "EcsfProfiles",
                columns: new[] { "FrameworkKey", "ProfileId", "AlternativeTitles", "Deliverables", "Mission", "Position", "Summary", "Title" },
                values: new object[,]
                {
                    { "ecsf-v1", "architect", "Cybersecurity Architect\nCybersecurity Designer\nCybersecurity Solutions Architect\nData Security Architect", "Cybersecurity Architecture Diagram\nCybersecurity Requirements Report", "Designs solutions based on security-by-design and privacy-by-design principles. Creates and continuously improves architectural models and develops appropriate architectural documentation and specifications. Coordinate secure development, integration and maintenance of cybersecurity components in line with standards and other related requirements.", 5, "Plans and designs security-by-design solutions (infrastructures, systems, assets, software, hardware and services) and cybersecurity controls.", "Cybersecurity Architect" },
                    { "ecsf-v1", "auditor", "Cybersecurity Audit Manager\nCybersecurity Auditor\nCybersecurity Procedures and Processes Auditor\nData Protection Assessment Analyst\nGovernance Risk Compliance (GRC) Auditor\nInformation Security Auditor (IT or Legal Auditor)\nInformation Security Risk and Compliance Auditor", "Cybersecurity Audit Plan\nCybersecurity Audit Report", "Conducts independent reviews to assess the effectiveness of processes and controls and the overall compliance with the organisation's legal and regulatory frameworks policies. Evaluates, tests and verifies cybersecurity-related products (systems, hardware, software and services), functions and policies ensuring, compliance with guidelines, standards and regulations.", 6, "Perform cybersecurity audits on the organisation's ecosystem. Ensuring compliance with statutory, regulatory, policy information, security requirements, industry standards and best practices.", "Cybersecurity Auditor" },
                    { "ecsf-v1", "ciso", "Chief Information Security Officer (CISO)\nCybersecurity Programme Director\nHead of Information Security\nInformation Security Manager\nInformation Security Officer (ISO)\nIT/ICT Security Officer", "Cybersecurity Policy\nCybersecurity Strategy", "Defines, maintains and communicates the cybersecurity vision, strategy, policies and procedures. Manages the implementation of the cybersecurity policy across the organisation. Assures information exchange with external authorities and professional bodies.", 1, "Manages an organisation's cybersecurity strategy and its implementation to ensure that digital systems, services and assets are adequately secure and protected.", "Chief Information Security Officer (CISO)" },
                    { "ecsf-v1", "educator", "Cybersecurity Awareness Specialist\nCybersecurity Educator\nCybersecurity Trainer\nFaculty in Cybersecurity (Professor, Lecturer)", "Cybersecurity Awareness Program\nCybersecurity Training Material", "Designs, develops and conducts awareness, training and educational programmes in cybersecurity and data protection-related topics. Uses appropriate teaching and training methods, techniques and instruments to communicate and enhance the cybersecurity culture, capabilities, knowledge and skills of human resources. Promotes the importance of cybersecurity and consolidates it into the organisation.", 7, "Improves cybersecurity knowledge, skills and competencies of humans.", "Cybersecurity Educator" },
                    { "ecsf-v1", "forensics-investigator", "Computer Forensics Consultant\nCybersecurity & Forensic Specialist\nDigital Forensics Analyst\nDigital Forensics Investigator", "Digital Forensics Analysis Results\nElectronic Evidence", "Connects artefacts to natural persons, captures, recovers, identifies and preserves data, including manifestations, inputs, outputs and processes of digital systems under investigation. Provides analysis, reconstruction and interpretation of the digital evidence based on a qualitative opinion. Presents an unbiased qualitative view without interpreting the resultant findings.", 11, "Ensure the cybercriminal investigation reveals all digital evidence to prove the malicious activity.", "Digital Forensics Investigator" },
                    { "ecsf-v1", "implementer", "Cybersecurity Developer\nCybersecurity Engineer\nCybersecurity Implementer\nCybersecurity Solutions Expert\nDevelopment, Security & Operations (DevSecOps) Engineer\nInformation Security Implementer", "Cybersecurity Solutions", "Provides cybersecurity-related technical development, integration, testing, implementation, operation, maintenance, monitoring and support of cybersecurity solutions. Ensures adherence to specifications and conformance requirements, assures sound performance and resolves technical issues required in the organisation's cybersecurity-related solutions (systems, assets, software, controls and services), infrastructures and products.", 8, "Develop, deploy and operate cybersecurity solutions (systems, assets, software, controls and services) on infrastructures and products.", "Cybersecurity Implementer" },
                    { "ecsf-v1", "incident-responder", "Cyber Crisis Expert\nCyber Fighter /Defender\nCyber Incident Handler\nCyber Incident Responder\nCybersecurity SIEM Manager\nIncident Response Engineer\nSecurity Operation Analyst (SOC Analyst)\nSecurity Operations Center (SOC) Analyst", "Cyber Incident Report\nIncident Response Plan", "Monitors and assesses systems' cybersecurity state. Analyses, evaluates and mitigates the impact of cybersecurity incidents. Identifies cyber incidents root causes and malicious actors. According to the organisation's Incident Response Plan, restores systems' and processes' functionalities to an operational state, collecting evidences and documenting actions taken.", 2, "Monitor the organisation's cybersecurity state, handle incidents during cyber-attacks and assure the continued operations of ICT systems.", "Cyber Incident Responder" },
                    { "ecsf-v1", "legal-policy-compliance", "Cyber Law Consultant\nCyber Legal Advisor\nCyber Legal, Policy & Compliance Officer\nCybersecurity Legal Officer\nData Compliance Officer\nData Protection Officer (DPO)\nGovernance Risk Compliance (GRC) Consultant\nInformation Governance Officer\nIT/ICT Compliance Manager\nPrivacy Protection Officer", "Compliance Manual\nCompliance Report", "Oversees and assures compliance with cybersecurity- and data-related legal, regulatory frameworks and policies in line with the organisation's strategy and legal requirements. Contributes to the organisation's data protection related actions. Provides legal advice in the development of the organisation's cybersecurity governance processes and recommended remediation strategies/solutions to ensure compliance.", 3, "Manages compliance with cybersecurity-related standards, legal and regulatory frameworks based on the organisation's strategy and legal requirements.", "Cyber Legal, Policy & Compliance Officer" },
                    { "ecsf-v1", "penetration-tester", "Cybersecurity Tester\nDefensive Cybersecurity Expert\nEthical Hacker\nOffensive Cybersecurity Expert\nPenetration Tester\nPentester\nRed Team Expert\nRed Teamer\nVulnerability Analyst", "Penetration Testing Report\nVulnerability Assessment Results Report", "Plans, designs, implements and executes penetration testing activities and attack scenarios to evaluate the effectiveness of deployed or planned security measures. Identifies vulnerabilities or failures on technical and organisational controls that affect the confidentiality, integrity and availability of ICT products (e.g. systems, hardware, software and services).", 12, "Assess the effectiveness of security controls, reveals and utilise cybersecurity vulnerabilities, assessing their criticality if exploited by threat actors.", "Penetration Tester" },
                    { "ecsf-v1", "researcher", "Chief Research Officer (CRO) in cybersecurity\nCybersecurity Research Engineer\nCybersecurity Researcher\nResearch and Development (R&D) Officer in cybersecurity\nResearch and Innovation Officer/Expert in cybersecurity\nResearch Fellow in cybersecurity\nScientific Staff in cybersecurity\nSenior Research Officer in cybersecurity", "Publication in Cybersecurity", "Conducts fundamental/basic and applied research and facilitates innovation in the cybersecurity domain through cooperation with other stakeholders. Analyses trends and scientific findings in cybersecurity.", 9, "Research the cybersecurity domain and incorporate results in cybersecurity solutions.", "Cybersecurity Researcher" },
                    { "ecsf-v1", "risk-manager", "Cyber Risk Manager\nCybersecurity Impact Analyst\nCybersecurity Risk Assessor\nCybersecurity Risk Assurance Consultant\nCybersecurity Risk Manager\nInformation Security Risk Analyst", "Cybersecurity Risk Assessment Report\nCybersecurity Risk Remediation Action Plan", "Continuously manages (identifies, analyses, assesses, estimates, mitigates) the cybersecurity-related risks of ICT infrastructures, systems and services by planning, applying, reporting and communicating risk analysis, assessment and treatment. Establishes a risk management strategy for the organisation and ensures that risks remain at an acceptable level for the organisation by selecting mitigation actions and controls.", 10, "Manage the organisation's cybersecurity-related risks aligned to the organisation's strategy. Develop, maintain and communicate the risk management processes and reports.", "Cybersecurity Risk Manager" },
                    { "ecsf-v1", "threat-intelligence", "Cyber Intelligence Analyst\nCyber Threat Intelligence Specialist\nCyber Threat Modeller", "Cyber Threat Intelligence Manual\nCyber Threat Report", "Manages cyber threat intelligence life cycle including cyber threat information collection, analysis and production of actionable intelligence and dissemination to security stakeholders and the CTI community, at a tactical, operational and strategic level. Identifies and monitors the Tactics, Techniques and Procedures (TTPs) used by cyber threat actors and their trends, track threat actors' activities and observe how non-cyber events can influence cyber-related actions.", 4, "Collect, process, analyse data and information to produce actionable intelligence reports and disseminate them to target stakeholders.", "Cyber Threat Intelligence Specialist" }
                });

            migrationBuilder.InsertData(
                table: "EcsfProfileItems",
                columns: new[] { "FrameworkKey", "ItemId", "ProfileId", "Level", "Position" },
                values: new object[,]
                {
                    { "ecsf-v1", "E-A.5", "architect", 5, 38 },
                    { "ecsf-v1", "E-A.6", "architect", 3, 39 },
                    { "ecsf-v1", "E-B.1", "architect", 3, 40 },
                    { "ecsf-v1", "E-B.3", "architect", 3, 41 },
                    { "ecsf-v1", "E-B.6", "architect", 4, 42 },
                    { "ecsf-v1", "K-004", "architect", null, 25 },
                    { "ecsf-v1", "K-006", "architect", null, 27 },
                    { "ecsf-v1", "K-007", "architect", null, 29 },
                    { "ecsf-v1", "K-015", "architect", null, 23 },
                    { "ecsf-v1", "K-023", "architect", null, 33 },
                    { "ecsf-v1", "K-030", "architect", null, 24 },
                    { "ecsf-v1", "K-033", "architect", null, 26 },
                    { "ecsf-v1", "K-034", "architect", null, 28 },
                    { "ecsf-v1", "K-035", "architect", null, 30 },
                    { "ecsf-v1", "K-036", "architect", null, 31 },
                    { "ecsf-v1", "K-037", "architect", null, 32 },
                    { "ecsf-v1", "K-038", "architect", null, 34 },
                    { "ecsf-v1", "K-039", "architect", null, 35 },
                    { "ecsf-v1", "K-040", "architect", null, 36 },
                    { "ecsf-v1", "K-041", "architect", null, 37 },
                    { "ecsf-v1", "S-018", "architect", null, 14 },
                    { "ecsf-v1", "S-037", "architect", null, 13 },
                    { "ecsf-v1", "S-038", "architect", null, 15 },
                    { "ecsf-v1", "S-039", "architect", null, 16 },
                    { "ecsf-v1", "S-040", "architect", null, 17 },
                    { "ecsf-v1", "S-041", "architect", null, 18 },
                    { "ecsf-v1", "S-042", "architect", null, 19 },
                    { "ecsf-v1", "S-043", "architect", null, 20 },
                    { "ecsf-v1", "S-044", "architect", null, 21 },
                    { "ecsf-v1", "S-045", "architect", null, 22 },
                    { "ecsf-v1", "T-050", "architect", null, 1 },
                    { "ecsf-v1", "T-051", "architect", null, 2 },
                    { "ecsf-v1", "T-052", "architect", null, 3 },
                    { "ecsf-v1", "T-053", "architect", null, 4 },
                    { "ecsf-v1", "T-054", "architect", null, 5 },
                    { "ecsf-v1", "T-055", "architect", null, 6 },
                    { "ecsf-v1", "T-056", "architect", null, 7 },
                    { "ecsf-v1", "T-057", "architect", null, 8 },
                    { "ecsf-v1", "T-058", "architect", null, 9 },
                    { "ecsf-v1", "T-059", "architect", null, 10 },
                    { "ecsf-v1", "T-060", "architect", null, 11 },
                    { "ecsf-v1", "T-061", "architect", null, 12 },
                    { "ecsf-v1", "E-B.3", "auditor", 4, 29 },
                    { "ecsf-v1", "E-B.5", "auditor", 3, 30 },
                    { "ecsf-v1", "E-E.3", "auditor", 4, 31 },
                    { "ecsf-v1", "E-E.6", "auditor", 4, 32 },
                    { "ecsf-v1", "E-E.8", "auditor", 4, 33 },
                    { "ecsf-v1", "K-006", "auditor", null, 25 },
                    { "ecsf-v1", "K-007", "auditor", null, 26 },
                    { "ecsf-v1", "K-023", "auditor", null, 27 },
                    { "ecsf-v1", "K-030", "auditor", null, 24 },
                    { "ecsf-v1", "K-042", "auditor", null, 21 },
                    { "ecsf-v1", "K-043", "auditor", null, 22 },
                    { "ecsf-v1", "K-044", "auditor", null, 23 },
                    { "ecsf-v1", "K-045", "auditor", null, 28 },
                    { "ecsf-v1", "S-046", "auditor", null, 13 },
                    { "ecsf-v1", "S-047", "auditor", null, 14 },
                    { "ecsf-v1", "S-048", "auditor", null, 15 },
                    { "ecsf-v1", "S-049", "auditor", null, 16 },
                    { "ecsf-v1", "S-050", "auditor", null, 17 },
                    { "ecsf-v1", "S-051", "auditor", null, 18 },
                    { "ecsf-v1", "S-052", "auditor", null, 19 },
                    { "ecsf-v1", "S-053", "auditor", null, 20 },
                    { "ecsf-v1", "T-062", "auditor", null, 1 },
                    { "ecsf-v1", "T-063", "auditor", null, 2 },
                    { "ecsf-v1", "T-064", "auditor", null, 3 },
                    { "ecsf-v1", "T-065", "auditor", null, 4 },
                    { "ecsf-v1", "T-066", "auditor", null, 5 },
                    { "ecsf-v1", "T-067", "auditor", null, 6 },
                    { "ecsf-v1", "T-068", "auditor", null, 7 },
                    { "ecsf-v1", "T-069", "auditor", null, 8 },
                    { "ecsf-v1", "T-070", "auditor", null, 9 },
                    { "ecsf-v1", "T-071", "auditor", null, 10 },
                    { "ecsf-v1", "T-072", "auditor", null, 11 },
                    { "ecsf-v1", "T-073", "auditor", null, 12 },
                    { "ecsf-v1", "E-A.7", "ciso", 4, 42 },
                    { "ecsf-v1", "E-D.1", "ciso", 5, 43 },
                    { "ecsf-v1", "E-E.3", "ciso", 4, 44 },
                    { "ecsf-v1", "E-E.8", "ciso", 4, 45 },
                    { "ecsf-v1", "E-E.9", "ciso", 5, 46 },
                    { "ecsf-v1", "K-001", "ciso", null, 31 },
                    { "ecsf-v1", "K-002", "ciso", null, 32 },
                    { "ecsf-v1", "K-003", "ciso", null, 33 },
                    { "ecsf-v1", "K-004", "ciso", null, 34 },
                    { "ecsf-v1", "K-005", "ciso", null, 35 },
                    { "ecsf-v1", "K-006", "ciso", null, 36 },
                    { "ecsf-v1", "K-007", "ciso", null, 37 },
                    { "ecsf-v1", "K-008", "ciso", null, 38 },
                    { "ecsf-v1", "K-009", "ciso", null, 39 },
                    { "ecsf-v1", "K-010", "ciso", null, 40 },
                    { "ecsf-v1", "K-011", "ciso", null, 41 },
                    { "ecsf-v1", "S-001", "ciso", null, 15 },
                    { "ecsf-v1", "S-002", "ciso", null, 16 },
                    { "ecsf-v1", "S-003", "ciso", null, 17 },
                    { "ecsf-v1", "S-004", "ciso", null, 18 },
                    { "ecsf-v1", "S-005", "ciso", null, 19 },
                    { "ecsf-v1", "S-006", "ciso", null, 20 },
                    { "ecsf-v1", "S-007", "ciso", null, 21 },
                    { "ecsf-v1", "S-008", "ciso", null, 22 },
                    { "ecsf-v1", "S-009", "ciso", null, 23 },
                    { "ecsf-v1", "S-010", "ciso", null, 24 },
                    { "ecsf-v1", "S-011", "ciso", null, 25 },
                    { "ecsf-v1", "S-012", "ciso", null, 26 },
                    { "ecsf-v1", "S-013", "ciso", null, 27 },
                    { "ecsf-v1", "S-014", "ciso", null, 28 },
                    { "ecsf-v1", "S-015", "ciso", null, 29 },
                    { "ecsf-v1", "S-016", "ciso", null, 30 },
                    { "ecsf-v1", "T-001", "ciso", null, 1 },
                    { "ecsf-v1", "T-002", "ciso", null, 2 },
                    { "ecsf-v1", "T-003", "ciso", null, 3 },
                    { "ecsf-v1", "T-004", "ciso", null, 4 },
                    { "ecsf-v1", "T-005", "ciso", null, 5 },
                    { "ecsf-v1", "T-006", "ciso", null, 6 },
                    { "ecsf-v1", "T-007", "ciso", null, 7 },
                    { "ecsf-v1", "T-008", "ciso", null, 8 },
                    { "ecsf-v1", "T-009", "ciso", null, 9 },
                    { "ecsf-v1", "T-010", "ciso", null, 10 },
                    { "ecsf-v1", "T-011", "ciso", null, 11 },
                    { "ecsf-v1", "T-012", "ciso", null, 12 },
                    { "ecsf-v1", "T-013", "ciso", null, 13 },
                    { "ecsf-v1", "T-014", "ciso", null, 14 },
                    { "ecsf-v1", "E-D.3", "educator", 3, 26 },
                    { "ecsf-v1", "E-D.9", "educator", 3, 27 },
                    { "ecsf-v1", "E-E.8", "educator", 3, 28 },
                    { "ecsf-v1", "K-004", "educator", null, 21 },
                    { "ecsf-v1", "K-005", "educator", null, 22 },
                    { "ecsf-v1", "K-006", "educator", null, 23 },
                    { "ecsf-v1", "K-007", "educator", null, 24 },
                    { "ecsf-v1", "K-030", "educator", null, 19 },
                    { "ecsf-v1", "K-046", "educator", null, 18 },
                    { "ecsf-v1", "K-047", "educator", null, 20 },
                    { "ecsf-v1", "K-048", "educator", null, 25 },
                    { "ecsf-v1", "S-015", "educator", null, 15 },
                    { "ecsf-v1", "S-018", "educator", null, 9 },
                    { "ecsf-v1", "S-054", "educator", null, 10 },
                    { "ecsf-v1", "S-055", "educator", null, 11 },
                    { "ecsf-v1", "S-056", "educator", null, 12 },
                    { "ecsf-v1", "S-057", "educator", null, 13 },
                    { "ecsf-v1", "S-058", "educator", null, 14 },
                    { "ecsf-v1", "S-059", "educator", null, 16 },
                    { "ecsf-v1", "S-060", "educator", null, 17 },
                    { "ecsf-v1", "T-074", "educator", null, 1 },
                    { "ecsf-v1", "T-075", "educator", null, 2 },
                    { "ecsf-v1", "T-076", "educator", null, 3 },
                    { "ecsf-v1", "T-077", "educator", null, 4 },
                    { "ecsf-v1", "T-078", "educator", null, 5 },
                    { "ecsf-v1", "T-079", "educator", null, 6 },
                    { "ecsf-v1", "T-080", "educator", null, 7 },
                    { "ecsf-v1", "T-081", "educator", null, 8 },
                    { "ecsf-v1", "E-A.7", "forensics-investigator", 3, 25 },
                    { "ecsf-v1", "E-B.3", "forensics-investigator", 4, 26 },
                    { "ecsf-v1", "E-B.5", "forensics-investigator", 3, 27 },
                    { "ecsf-v1", "E-E.3", "forensics-investigator", 3, 28 },
                    { "ecsf-v1", "K-005", "forensics-investigator", null, 17 },
                    { "ecsf-v1", "K-007", "forensics-investigator", null, 18 },
                    { "ecsf-v1", "K-012", "forensics-investigator", null, 12 },
                    { "ecsf-v1", "K-014", "forensics-investigator", null, 13 },
                    { "ecsf-v1", "K-015", "forensics-investigator", null, 15 },
                    { "ecsf-v1", "K-016", "forensics-investigator", null, 16 },
                    { "ecsf-v1", "K-021", "forensics-investigator", null, 23 },
                    { "ecsf-v1", "K-051", "forensics-investigator", null, 24 },
                    { "ecsf-v1", "K-058", "forensics-investigator", null, 14 },
                    { "ecsf-v1", "K-059", "forensics-investigator", null, 19 },
                    { "ecsf-v1", "K-060", "forensics-investigator", null, 20 },
                    { "ecsf-v1", "K-061", "forensics-investigator", null, 21 },
                    { "ecsf-v1", "K-062", "forensics-investigator", null, 22 },
                    { "ecsf-v1", "S-072", "forensics-investigator", null, 7 },
                    { "ecsf-v1", "S-073", "forensics-investigator", null, 8 },
                    { "ecsf-v1", "S-074", "forensics-investigator", null, 9 },
                    { "ecsf-v1", "S-075", "forensics-investigator", null, 10 },
                    { "ecsf-v1", "S-076", "forensics-investigator", null, 11 },
                    { "ecsf-v1", "T-112", "forensics-investigator", null, 1 },
                    { "ecsf-v1", "T-113", "forensics-investigator", null, 2 },
                    { "ecsf-v1", "T-114", "forensics-investigator", null, 3 },
                    { "ecsf-v1", "T-115", "forensics-investigator", null, 4 },
                    { "ecsf-v1", "T-116", "forensics-investigator", null, 5 },
                    { "ecsf-v1", "T-117", "forensics-investigator", null, 6 },
                    { "ecsf-v1", "E-A.5", "implementer", 3, 29 },
                    { "ecsf-v1", "E-A.6", "implementer", 3, 30 },
                    { "ecsf-v1", "E-B.1", "implementer", 3, 31 },
                    { "ecsf-v1", "E-B.3", "implementer", 3, 32 },
                    { "ecsf-v1", "E-B.6", "implementer", 4, 33 },
                    { "ecsf-v1", "K-004", "implementer", null, 21 },
                    { "ecsf-v1", "K-012", "implementer", null, 18 },
                    { "ecsf-v1", "K-021", "implementer", null, 24 },
                    { "ecsf-v1", "K-026", "implementer", null, 19 },
                    { "ecsf-v1", "K-030", "implementer", null, 20 },
                    { "ecsf-v1", "K-036", "implementer", null, 22 },
                    { "ecsf-v1", "K-040", "implementer", null, 26 },
                    { "ecsf-v1", "K-049", "implementer", null, 23 },
                    { "ecsf-v1", "K-050", "implementer", null, 25 },
                    { "ecsf-v1", "K-051", "implementer", null, 27 },
                    { "ecsf-v1", "K-052", "implementer", null, 28 },
                    { "ecsf-v1", "S-011", "implementer", null, 16 },
                    { "ecsf-v1", "S-018", "implementer", null, 13 },
                    { "ecsf-v1", "S-024", "implementer", null, 12 },
                    { "ecsf-v1", "S-061", "implementer", null, 11 },
                    { "ecsf-v1", "S-062", "implementer", null, 14 },
                    { "ecsf-v1", "S-063", "implementer", null, 15 },
                    { "ecsf-v1", "S-064", "implementer", null, 17 },
                    { "ecsf-v1", "T-082", "implementer", null, 1 },
                    { "ecsf-v1", "T-083", "implementer", null, 2 },
                    { "ecsf-v1", "T-084", "implementer", null, 3 },
                    { "ecsf-v1", "T-085", "implementer", null, 4 },
                    { "ecsf-v1", "T-086", "implementer", null, 5 },
                    { "ecsf-v1", "T-087", "implementer", null, 6 },
                    { "ecsf-v1", "T-088", "implementer", null, 7 },
                    { "ecsf-v1", "T-089", "implementer", null, 8 },
                    { "ecsf-v1", "T-090", "implementer", null, 9 },
                    { "ecsf-v1", "T-091", "implementer", null, 10 },
                    { "ecsf-v1", "E-A.7", "incident-responder", 3, 31 },
                    { "ecsf-v1", "E-B.2", "incident-responder", 2, 32 },
                    { "ecsf-v1", "E-B.3", "incident-responder", 3, 33 },
                    { "ecsf-v1", "E-B.5", "incident-responder", 3, 34 },
                    { "ecsf-v1", "E-C.4", "incident-responder", 4, 35 },
                    { "ecsf-v1", "K-005", "incident-responder", null, 23 },
                    { "ecsf-v1", "K-007", "incident-responder", null, 24 },
                    { "ecsf-v1", "K-012", "incident-responder", null, 18 },
                    { "ecsf-v1", "K-013", "incident-responder", null, 19 },
                    { "ecsf-v1", "K-014", "incident-responder", null, 20 },
                    { "ecsf-v1", "K-015", "incident-responder", null, 21 },
                    { "ecsf-v1", "K-016", "incident-responder", null, 22 },
                    { "ecsf-v1", "K-017", "incident-responder", null, 25 },
                    { "ecsf-v1", "K-018", "incident-responder", null, 26 },
                    { "ecsf-v1", "K-019", "incident-responder", null, 27 },
                    { "ecsf-v1", "K-020", "incident-responder", null, 28 },
                    { "ecsf-v1", "K-021", "incident-responder", null, 29 },
                    { "ecsf-v1", "K-022", "incident-responder", null, 30 },
                    { "ecsf-v1", "S-017", "incident-responder", null, 12 },
                    { "ecsf-v1", "S-018", "incident-responder", null, 13 },
                    { "ecsf-v1", "S-019", "incident-responder", null, 14 },
                    { "ecsf-v1", "S-020", "incident-responder", null, 15 },
                    { "ecsf-v1", "S-021", "incident-responder", null, 16 },
                    { "ecsf-v1", "S-022", "incident-responder", null, 17 },
                    { "ecsf-v1", "T-015", "incident-responder", null, 1 },
                    { "ecsf-v1", "T-016", "incident-responder", null, 2 },
                    { "ecsf-v1", "T-017", "incident-responder", null, 3 },
                    { "ecsf-v1", "T-018", "incident-responder", null, 4 },
                    { "ecsf-v1", "T-019", "incident-responder", null, 5 },
                    { "ecsf-v1", "T-020", "incident-responder", null, 6 },
                    { "ecsf-v1", "T-021", "incident-responder", null, 7 },
                    { "ecsf-v1", "T-022", "incident-responder", null, 8 },
                    { "ecsf-v1", "T-023", "incident-responder", null, 9 },
                    { "ecsf-v1", "T-024", "incident-responder", null, 10 },
                    { "ecsf-v1", "T-025", "incident-responder", null, 11 },
                    { "ecsf-v1", "E-A.1", "legal-policy-compliance", 4, 26 },
                    { "ecsf-v1", "E-D.1", "legal-policy-compliance", 4, 27 },
                    { "ecsf-v1", "E-E.8", "legal-policy-compliance", 3, 28 },
                    { "ecsf-v1", "E-E.9", "legal-policy-compliance", 4, 29 },
                    { "ecsf-v1", "K-002", "legal-policy-compliance", null, 21 },
                    { "ecsf-v1", "K-005", "legal-policy-compliance", null, 22 },
                    { "ecsf-v1", "K-006", "legal-policy-compliance", null, 23 },
                    { "ecsf-v1", "K-023", "legal-policy-compliance", null, 24 },
                    { "ecsf-v1", "K-024", "legal-policy-compliance", null, 25 },
                    { "ecsf-v1", "S-023", "legal-policy-compliance", null, 13 },
                    { "ecsf-v1", "S-024", "legal-policy-compliance", null, 14 },
                    { "ecsf-v1", "S-025", "legal-policy-compliance", null, 15 },
                    { "ecsf-v1", "S-026", "legal-policy-compliance", null, 16 },
                    { "ecsf-v1", "S-027", "legal-policy-compliance", null, 17 },
                    { "ecsf-v1", "S-028", "legal-policy-compliance", null, 18 },
                    { "ecsf-v1", "S-029", "legal-policy-compliance", null, 19 },
                    { "ecsf-v1", "S-030", "legal-policy-compliance", null, 20 },
                    { "ecsf-v1", "T-026", "legal-policy-compliance", null, 1 },
                    { "ecsf-v1", "T-027", "legal-policy-compliance", null, 2 },
                    { "ecsf-v1", "T-028", "legal-policy-compliance", null, 3 },
                    { "ecsf-v1", "T-029", "legal-policy-compliance", null, 4 },
                    { "ecsf-v1", "T-030", "legal-policy-compliance", null, 5 },
                    { "ecsf-v1", "T-031", "legal-policy-compliance", null, 6 },
                    { "ecsf-v1", "T-032", "legal-policy-compliance", null, 7 },
                    { "ecsf-v1", "T-033", "legal-policy-compliance", null, 8 },
                    { "ecsf-v1", "T-034", "legal-policy-compliance", null, 9 },
                    { "ecsf-v1", "T-035", "legal-policy-compliance", null, 10 },
                    { "ecsf-v1", "T-036", "legal-policy-compliance", null, 11 },
                    { "ecsf-v1", "T-037", "legal-policy-compliance", null, 12 },
                    { "ecsf-v1", "E-B.2", "penetration-tester", 4, 32 },
                    { "ecsf-v1", "E-B.3", "penetration-tester", 4, 33 },
                    { "ecsf-v1", "E-B.4", "penetration-tester", 2, 34 },
                    { "ecsf-v1", "E-B.5", "penetration-tester", 3, 35 },
                    { "ecsf-v1", "E-E.3", "penetration-tester", 4, 36 },
                    { "ecsf-v1", "K-004", "penetration-tester", null, 24 },
                    { "ecsf-v1", "K-007", "penetration-tester", null, 25 },
                    { "ecsf-v1", "K-012", "penetration-tester", null, 20 },
                    { "ecsf-v1", "K-014", "penetration-tester", null, 22 },
                    { "ecsf-v1", "K-016", "penetration-tester", null, 23 },
                    { "ecsf-v1", "K-021", "penetration-tester", null, 28 },
                    { "ecsf-v1", "K-026", "penetration-tester", null, 21 },
                    { "ecsf-v1", "K-063", "penetration-tester", null, 26 },
                    { "ecsf-v1", "K-064", "penetration-tester", null, 27 },
                    { "ecsf-v1", "K-065", "penetration-tester", null, 29 },
                    { "ecsf-v1", "K-066", "penetration-tester", null, 30 },
                    { "ecsf-v1", "K-067", "penetration-tester", null, 31 },
                    { "ecsf-v1", "S-011", "penetration-tester", null, 15 },
                    { "ecsf-v1", "S-018", "penetration-tester", null, 9 },
                    { "ecsf-v1", "S-032", "penetration-tester", null, 11 },
                    { "ecsf-v1", "S-051", "penetration-tester", null, 12 },
                    { "ecsf-v1", "S-063", "penetration-tester", null, 13 },
                    { "ecsf-v1", "S-077", "penetration-tester", null, 10 },
                    { "ecsf-v1", "S-078", "penetration-tester", null, 14 },
                    { "ecsf-v1", "S-079", "penetration-tester", null, 16 },
                    { "ecsf-v1", "S-080", "penetration-tester", null, 17 },
                    { "ecsf-v1", "S-081", "penetration-tester", null, 18 },
                    { "ecsf-v1", "S-082", "penetration-tester", null, 19 },
                    { "ecsf-v1", "T-118", "penetration-tester", null, 1 },
                    { "ecsf-v1", "T-119", "penetration-tester", null, 2 },
                    { "ecsf-v1", "T-120", "penetration-tester", null, 3 },
                    { "ecsf-v1", "T-121", "penetration-tester", null, 4 },
                    { "ecsf-v1", "T-122", "penetration-tester", null, 5 },
                    { "ecsf-v1", "T-123", "penetration-tester", null, 6 },
                    { "ecsf-v1", "T-124", "penetration-tester", null, 7 },
                    { "ecsf-v1", "T-125", "penetration-tester", null, 8 },
                    { "ecsf-v1", "E-A.7", "researcher", 5, 25 },
                    { "ecsf-v1", "E-A.9", "researcher", 5, 26 },
                    { "ecsf-v1", "E-C.4", "researcher", 3, 28 },
                    { "ecsf-v1", "E-D.10", "researcher", 3, 29 },
                    { "ecsf-v1", "E-D.7", "researcher", 4, 27 },
                    { "ecsf-v1", "K-006", "researcher", null, 20 },
                    { "ecsf-v1", "K-031", "researcher", null, 24 },
                    { "ecsf-v1", "K-053", "researcher", null, 21 },
                    { "ecsf-v1", "K-054", "researcher", null, 22 },
                    { "ecsf-v1", "K-055", "researcher", null, 23 },
                    { "ecsf-v1", "S-011", "researcher", null, 18 },
                    { "ecsf-v1", "S-018", "researcher", null, 14 },
                    { "ecsf-v1", "S-024", "researcher", null, 13 },
                    { "ecsf-v1", "S-040", "researcher", null, 15 },
                    { "ecsf-v1", "S-051", "researcher", null, 16 },
                    { "ecsf-v1", "S-065", "researcher", null, 17 },
                    { "ecsf-v1", "S-066", "researcher", null, 19 },
                    { "ecsf-v1", "T-092", "researcher", null, 1 },
                    { "ecsf-v1", "T-093", "researcher", null, 2 },
                    { "ecsf-v1", "T-094", "researcher", null, 3 },
                    { "ecsf-v1", "T-095", "researcher", null, 4 },
                    { "ecsf-v1", "T-096", "researcher", null, 5 },
                    { "ecsf-v1", "T-097", "researcher", null, 6 },
                    { "ecsf-v1", "T-098", "researcher", null, 7 },
                    { "ecsf-v1", "T-099", "researcher", null, 8 },
                    { "ecsf-v1", "T-100", "researcher", null, 9 },
                    { "ecsf-v1", "T-101", "researcher", null, 10 },
                    { "ecsf-v1", "T-102", "researcher", null, 11 },
                    { "ecsf-v1", "T-103", "researcher", null, 12 },
                    { "ecsf-v1", "E-E.3", "risk-manager", 4, 25 },
                    { "ecsf-v1", "E-E.5", "risk-manager", 3, 26 },
                    { "ecsf-v1", "E-E.7", "risk-manager", 4, 27 },
                    { "ecsf-v1", "E-E.9", "risk-manager", 4, 28 },
                    { "ecsf-v1", "K-007", "risk-manager", null, 19 },
                    { "ecsf-v1", "K-011", "risk-manager", null, 23 },
                    { "ecsf-v1", "K-014", "risk-manager", null, 15 },
                    { "ecsf-v1", "K-015", "risk-manager", null, 16 },
                    { "ecsf-v1", "K-030", "risk-manager", null, 17 },
                    { "ecsf-v1", "K-033", "risk-manager", null, 18 },
                    { "ecsf-v1", "K-036", "risk-manager", null, 20 },
                    { "ecsf-v1", "K-045", "risk-manager", null, 21 },
                    { "ecsf-v1", "K-056", "risk-manager", null, 22 },
                    { "ecsf-v1", "K-057", "risk-manager", null, 24 },
                    { "ecsf-v1", "S-018", "risk-manager", null, 11 },
                    { "ecsf-v1", "S-067", "risk-manager", null, 9 },
                    { "ecsf-v1", "S-068", "risk-manager", null, 10 },
                    { "ecsf-v1", "S-069", "risk-manager", null, 12 },
                    { "ecsf-v1", "S-070", "risk-manager", null, 13 },
                    { "ecsf-v1", "S-071", "risk-manager", null, 14 },
                    { "ecsf-v1", "T-104", "risk-manager", null, 1 },
                    { "ecsf-v1", "T-105", "risk-manager", null, 2 },
                    { "ecsf-v1", "T-106", "risk-manager", null, 3 },
                    { "ecsf-v1", "T-107", "risk-manager", null, 4 },
                    { "ecsf-v1", "T-108", "risk-manager", null, 5 },
                    { "ecsf-v1", "T-109", "risk-manager", null, 6 },
                    { "ecsf-v1", "T-110", "risk-manager", null, 7 },
                    { "ecsf-v1", "T-111", "risk-manager", null, 8 },
                    { "ecsf-v1", "E-B.5", "threat-intelligence", 3, 36 },
                    { "ecsf-v1", "E-D.10", "threat-intelligence", 4, 38 },
                    { "ecsf-v1", "E-D.7", "threat-intelligence", 4, 37 },
                    { "ecsf-v1", "E-E.4", "threat-intelligence", 3, 39 },
                    { "ecsf-v1", "E-E.8", "threat-intelligence", 4, 40 },
                    { "ecsf-v1", "K-007", "threat-intelligence", null, 32 },
                    { "ecsf-v1", "K-012", "threat-intelligence", null, 24 },
                    { "ecsf-v1", "K-015", "threat-intelligence", null, 29 },
                    { "ecsf-v1", "K-016", "threat-intelligence", null, 30 },
                    { "ecsf-v1", "K-021", "threat-intelligence", null, 33 },
                    { "ecsf-v1", "K-025", "threat-intelligence", null, 23 },
                    { "ecsf-v1", "K-026", "threat-intelligence", null, 25 },
                    { "ecsf-v1", "K-027", "threat-intelligence", null, 26 },
                    { "ecsf-v1", "K-028", "threat-intelligence", null, 27 },
                    { "ecsf-v1", "K-029", "threat-intelligence", null, 28 },
                    { "ecsf-v1", "K-030", "threat-intelligence", null, 31 },
                    { "ecsf-v1", "K-031", "threat-intelligence", null, 34 },
                    { "ecsf-v1", "K-032", "threat-intelligence", null, 35 },
                    { "ecsf-v1", "S-006", "threat-intelligence", null, 16 },
                    { "ecsf-v1", "S-017", "threat-intelligence", null, 15 },
                    { "ecsf-v1", "S-018", "threat-intelligence", null, 17 },
                    { "ecsf-v1", "S-024", "threat-intelligence", null, 14 },
                    { "ecsf-v1", "S-031", "threat-intelligence", null, 13 },
                    { "ecsf-v1", "S-032", "threat-intelligence", null, 18 },
                    { "ecsf-v1", "S-033", "threat-intelligence", null, 19 },
                    { "ecsf-v1", "S-034", "threat-intelligence", null, 20 },
                    { "ecsf-v1", "S-035", "threat-intelligence", null, 21 },
                    { "ecsf-v1", "S-036", "threat-intelligence", null, 22 },
                    { "ecsf-v1", "T-038", "threat-intelligence", null, 1 },
                    { "ecsf-v1", "T-039", "threat-intelligence", null, 2 },
                    { "ecsf-v1", "T-040", "threat-intelligence", null, 3 },
                    { "ecsf-v1", "T-041", "threat-intelligence", null, 4 },
                    { "ecsf-v1", "T-042", "threat-intelligence", null, 5 },
                    { "ecsf-v1", "T-043", "threat-intelligence", null, 6 },
                    { "ecsf-v1", "T-044", "threat-intelligence", null, 7 },
                    { "ecsf-v1", "T-045", "threat-intelligence", null, 8 },
                    { "ecsf-v1", "T-046", "threat-intelligence", null, 9 },
                    { "ecsf-v1", "T-047", "threat-intelligence", null, 10 },
                    { "ecsf-v1", "T-048", "threat-intelligence", null, 11 },
                    { "ecsf-v1", "T-049", "threat-intelligence", null, 12 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_EcsfProfileItems_FrameworkKey_ItemId",
                table: "EcsfProfileItems",
                columns: new[] { "FrameworkKey", "ItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCertificates_PersonRecordId_ExpiresOn",
                table: "TrainingCertificates",
                columns: new[] { "PersonRecordId", "ExpiresOn" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCertificates_PersonRecordId_IssuedOn",
                table: "TrainingCertificates",
                columns: new[] { "PersonRecordId", "IssuedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourseItems_FrameworkKey_ItemId_CourseRecordId",
                table: "TrainingCourseItems",
                columns: new[] { "FrameworkKey", "ItemId", "CourseRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourseProfiles_FrameworkKey_ProfileId",
                table: "TrainingCourseProfiles",
                columns: new[] { "FrameworkKey", "ProfileId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourses_FrameworkKey",
                table: "TrainingCourses",
                column: "FrameworkKey");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourses_Id",
                table: "TrainingCourses",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingEnrolments_SessionId",
                table: "TrainingEnrolments",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPeople_FrameworkKey",
                table: "TrainingPeople",
                column: "FrameworkKey");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPeople_Id",
                table: "TrainingPeople",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPeople_OrganisationId_RecordId",
                table: "TrainingPeople",
                columns: new[] { "OrganisationId", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPeople_UserId",
                table: "TrainingPeople",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPersonProfiles_FrameworkKey_ProfileId_PersonRecordId",
                table: "TrainingPersonProfiles",
                columns: new[] { "FrameworkKey", "ProfileId", "PersonRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingProficiencies_FrameworkKey_ItemId",
                table: "TrainingProficiencies",
                columns: new[] { "FrameworkKey", "ItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingSessions_CourseRecordId_Id",
                table: "TrainingSessions",
                columns: new[] { "CourseRecordId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EcsfProfileItems");

            migrationBuilder.DropTable(
                name: "TrainingCertificates");

            migrationBuilder.DropTable(
                name: "TrainingCourseItems");

            migrationBuilder.DropTable(
                name: "TrainingCourseProfiles");

            migrationBuilder.DropTable(
                name: "TrainingEnrolments");

            migrationBuilder.DropTable(
                name: "TrainingPersonProfiles");

            migrationBuilder.DropTable(
                name: "TrainingProficiencies");

            migrationBuilder.DropTable(
                name: "TrainingSessions");

            migrationBuilder.DropTable(
                name: "EcsfProfiles");

            migrationBuilder.DropTable(
                name: "EcsfItems");

            migrationBuilder.DropTable(
                name: "TrainingPeople");

            migrationBuilder.DropTable(
                name: "TrainingCourses");

            migrationBuilder.DropTable(
                name: "EcsfFrameworks");
        }
    }
}
