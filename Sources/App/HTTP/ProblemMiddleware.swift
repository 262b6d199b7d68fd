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
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            throw Problem(
                status: error.status,
                kind: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-"),
                detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as HTTPParserError {
            throw Problem(
                status: .badRequest, kind: "malformed-request", detail: "the request is not valid HTTP/1.1: \(error)")
        } catch let error as StoreError {
            var metadata: Logger.Metadata = ["error.type": "\(error.code)", "error.message": "\(error)"]
            if let reason = error.databaseReason { metadata["db.response.reason"] = "\(reason)" }
            context.logger.error("store failed", metadata: metadata)
            if error.code == .storageFull {
                throw Problem.storageFull
            }
            throw Problem.unavailable("storage is unavailable; retry shortly")
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            throw Problem.internalError
        }
    }
}
