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
        let integrity = try DatabaseChecks.integrity(database)
        if integrity != ["ok"] { report.problems += integrity.map { "integrity_check: \($0)" } }
        report.problems += try DatabaseChecks.foreignKeyProblems(database)
        let audit = try verifyAudit()
        if let seq = audit.firstBadSeq {
            report.problems.append("audit log: entry \(seq): \(audit.problem ?? "does not match")")
        }
        // An import finishes its batch row in the transaction that wrote it (migration 0006).
        report.problems += try ImportBatch.unfinished(database).map {
            "import batch \($0): never finished (its counts were not recorded)"
        }
        report.problems += try entities.versionGaps()
        report.problems += try entities.unknownTerytCodes()
        let timeline = EntityTimeline(database: database)
        report.problems += try timeline.mismatches()
        let norms = try SearchNorms.mismatches(database)
        if let first = norms.first {
            report.problems.append(
                "search_norms: stored document lengths differ from the full-text index's at rowid \(first)"
                    + (norms.count > 1 ? " and \(norms.count - 1) more" : "") + " (search ranking would be off)")
        }
        for id in try certificates.allIDs() {
            let (_, _, events) = try certificateRecord(id)
            do {
                try CertificateTimeline(certificateID: id, events: events).validate()
            } catch let error as RegistryError {
                report.problems.append("certificate \(id): \(error)")
            }
        }
        report.notices += try entities.unitsWithoutOperator()
        let undated = try timeline.undatedCount()
        if undated > 0 {
            report.notices.append(
                "entities without a founding date: \(undated) (each counts from the day it was first recorded until the date is filled in)")
        }
        return report
    }

    /// Writes a consistent copy of the registry to `path` while others may keep writing, then checks the copy.
    public func backup(to path: String) throws -> AuditVerification {
        var verified: AuditVerification?
        try database.writeCopy(to: path) { copyPath in
            let copy = try Registry.open(at: copyPath, actor: actor, access: .read)
            let (integrity, audit) = try RegistryError.mapping {
                (try DatabaseChecks.integrity(copy.database), try copy.verifyAudit())
            }
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
