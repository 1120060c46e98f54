/// What `registry check` found.
public struct CheckReport: Sendable {
    /// Broken rules: the registry is not as it must be (exit 65).
    public var problems: [String] = []
    /// Things a coordinator should look at that break no rule (e.g. units without an operator).
    public var notices: [String] = []
    /// True when no rule is broken.
    public var isHealthy: Bool { problems.isEmpty }
}

extension Registry {
    /// Checks SQLite's integrity and foreign keys, the audit chain, and the registry's own invariants.
    public func check() throws -> CheckReport {
        var report = CheckReport()
        let integrity = try database.rows("PRAGMA integrity_check") { $0.text(at: 0) ?? "" }
        if integrity != ["ok"] { report.problems += integrity.map { "integrity_check: \($0)" } }
        report.problems += try database.rows("PRAGMA foreign_key_check") { row in
            "foreign key: \(row.text(at: 0) ?? "?") row \(row.int(at: 1) ?? 0) points to a missing \(row.text(at: 2) ?? "?")"
        }
        let audit = try verifyAudit()
        if let seq = audit.firstBadSeq {
            report.problems.append("audit log: entry \(seq): \(audit.problem ?? "does not match")")
        }
        // An import finishes its batch row in the transaction that wrote it (migration 0006).
        report.problems += try database.rows("SELECT id FROM import_batches WHERE finished_at = ''") {
            "import batch \($0.text(at: 0) ?? "?"): never finished (its counts were not recorded)"
        }
        // Version k < current is kept in entity_versions; the current one is the entities row.
        report.problems += try database.rows(
            """
            SELECT e.id, e.version, (SELECT count(*) FROM entity_versions v WHERE v.entity_id = e.id)
            FROM entities e
            WHERE (SELECT count(*) FROM entity_versions v WHERE v.entity_id = e.id AND v.version BETWEEN 1 AND e.version - 1)
                  <> e.version - 1
               OR EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = e.id AND (v.version >= e.version OR v.version < 1))
            """) { "entity \($0.text(at: 0) ?? "?"): current version \($0.int(at: 1) ?? 0), but the kept versions are not exactly 1 to \(($0.int(at: 1) ?? 1) - 1) (\($0.int(at: 2) ?? 0) kept)" }
        report.problems += try database.rows(
            """
            SELECT id, teryt FROM entities WHERE teryt IS NOT NULL AND teryt NOT IN (SELECT code FROM teryt_units)
            UNION ALL
            SELECT id, operator_teryt FROM entities WHERE operator_teryt IS NOT NULL AND operator_teryt NOT IN (SELECT code FROM teryt_units)
            """) { "entity \($0.text(at: 0) ?? "?"): TERYT code \($0.text(at: 1) ?? "?") is not in the dictionary" }
        let norms = try SearchNorms.mismatches(database)
        if let first = norms.first {
            report.problems.append(
                "search_norms: stored document lengths differ from the full-text index's at rowid \(first)"
                    + (norms.count > 1 ? " and \(norms.count - 1) more" : "") + " (search ranking would be off)")
        }
        let certificates = try database.rows("SELECT id FROM certificates ORDER BY id") { $0.text(at: 0) ?? "" }
        for id in certificates {
            let (_, _, events) = try certificateRecord(id)
            do {
                try CertificateTimeline(certificateID: id, events: events).validate()
            } catch let error as RegistryError {
                report.problems.append("certificate \(id): \(error)")
            }
        }
        report.notices += try database.rows(
            """
            SELECT id, kind, name FROM entities
            WHERE kind IN ('cis', 'kis', 'wtz', 'zaz') AND operator_id IS NULL AND operator_teryt IS NULL
              AND closed_on IS NULL ORDER BY kind, name
            """) { "\($0.text(at: 1) ?? "") \($0.text(at: 2) ?? "") (\($0.text(at: 0) ?? "")) has no operator recorded" }
        return report
    }

    /// Writes a consistent copy of the registry to `path` while others may keep writing, then checks the copy.
    public func backup(to path: String) throws -> AuditVerification {
        var verified: AuditVerification?
        try database.writeCopy(to: path) { copyPath in
            let copy = try Registry.open(at: copyPath, actor: actor, access: .read)
            let integrity = try copy.database.rows("PRAGMA integrity_check") { $0.text(at: 0) ?? "" }
            let audit = try copy.verifyAudit()
            guard integrity == ["ok"], audit.isIntact else {
                let problems = (integrity == ["ok"] ? [] : integrity)
                    + (audit.firstBadSeq.map { ["audit entry \($0): \(audit.problem ?? "does not match")"] } ?? [])
                throw RegistryError.integrity(["the backup for \(path) does not verify, so it was not kept: "
                    + problems.joined(separator: "; ")])
            }
            verified = audit
        }
        guard let verified else { throw RegistryError.integrity(["the backup for \(path) was not verified"]) }
        return verified
    }
}
