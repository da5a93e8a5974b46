import Backprop
import HTTPServer
import Posix

extension RunRegistry {
    /// Applies a merge patch to the run's name and labels, checked against `ifMatch` and
    /// the label limit in one step, so two clients patching at once never overwrite what the
    /// other was shown. Returns the run as it is now.
    func patch(_ id: RunID, with patch: RunPatch, ifMatch: EntityTagCondition?, maxLabels: Int) throws(Problem) -> Run {
        let (run, woken) = try state.withLock { state throws(Problem) -> (Run, [RunWaiters.Waiter]) in
            guard state.table.isVisible(id), let run = state.table[id] else { throw Problem.notFound("no run \(id)") }
            let current = run.etag()
            guard ifMatch?.matchesStrongly(current) ?? true else {
                throw Problem(
                    status: 412, title: "Precondition failed",
                    detail: "the run changed since the ETag sent in If-Match; it is now \(current): GET it, then patch again")
            }
            let labels = patch.applied(to: run.labels)
            if labels.count > maxLabels {
                throw Problem.invalidFields([
                    ValidationIssue("/labels", "the run would have \(labels.count) labels; at most \(maxLabels) are allowed")
                ])
            }
            let name = patch.name ?? run.name
            guard name != run.name || labels != run.labels else { return (run, []) }
            state.table[id]!.rename(name, labels: labels)
            state.table.adjustStoredBound(
                id,
                by: RunSizeBound.metadataBytes(name: name, labels: labels)
                    - RunSizeBound.metadataBytes(name: run.name, labels: run.labels))
            let renamed = state.table[id]!
            checkpointer.save(renamed)
            return (renamed, state.waiters.take(for: id, throttled: false))
        }
        for waiter in woken { waiter.resume() }
        log.info("run patched", [("run", id.description)])
        return run
    }
}
