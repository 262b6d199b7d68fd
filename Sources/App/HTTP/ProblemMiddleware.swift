import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Stores

/// Turns every error a route throws into a problem+json response, so no client ever sees a bare
/// error or a stack trace: Hummingbird's own errors keep their status, a body that breaks HTTP/1.1
/// framing (a bad chunk size, an unknown transfer coding) is a 400, store failures become 503
/// (507 when the database's disk is full),
/// anything else a 500 whose body says nothing about the cause (the cause goes to the log).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let partial as PartialUpload {
            var problem = Self.problem(for: partial.error, context: context)
            problem.committedLines = partial.committedLines
            throw problem
        } catch {
            throw Self.problem(for: error, context: context)
        }
    }

    /// The problem that answers an error (routes that answer errors in their protocol's shape
    /// use it too).
    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as HTTPError:
            return Problem(
                status: error.status,
                kind: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-"),
                detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as HTTPParserError:
            return Problem(
                status: .badRequest, kind: "malformed-request", detail: "the request is not valid HTTP/1.1: \(error)")
        case let error as StoreError:
            context.logger.error("store failed", metadata: .describing(error))
            if error.code == .storageFull {
                return Problem.storageFull
            }
            return Problem.unavailable("storage is unavailable; retry shortly")
        default:
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return Problem.internalError
        }
    }
}
