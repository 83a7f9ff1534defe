#ifndef CFIMAGES_REQUEST_HPP
#define CFIMAGES_REQUEST_HPP

/// @file
/// `Request<T>`: a built `HttpRequest` paired with the function that turns
/// its response into a `Result<T>`. This is the whole sans-IO seam: send
/// `http` however you like, hand the answer to `parse`.

#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages {

/// What a parser may need to know about the request it answers, beyond
/// the response. Most calls need nothing; `ParseContextFor<T>` names the
/// context of each `T`.
/// (The v1 list's `page` and `per_page` used to live here, carried by
/// every `Request<T>`; they are `v1::ListContext` now.)
struct ParseContext {};

/// The context type `Request<T>` carries and hands to its parser:
/// `ParseContext` (nothing) unless specialized for `T` (the list pages,
/// models.hpp).
template <class T>
struct ParseContextFor {
    using type = ParseContext;  ///< The context of `Request<T>`.
};

/// A request ready to send, and how to read its answer.
template <class T>
struct Request {
    using value_type = T;  ///< What `parse` returns on success.
    /// What the parser is told about the request (`ParseContext`, empty,
    /// for every call but the list pages).
    using Context = typename ParseContextFor<T>::type;
    /// Signature of the parser bound to this request.
    using Parser = Result<T> (*)(const HttpResponse&, const Context&);

    /// The bytes to send.
    HttpRequest http;
    /// False for calls that create something (upload, direct upload,
    /// variant create): repeating them may create it twice, so the retry
    /// policy leaves them alone unless the caller opts in.
    bool idempotent = true;
    /// Facts about this request that the parser needs.
    Context context;
    /// The parser; never null in a request made by a builder.
    Parser parser = nullptr;

    /// Parses a response to this request.
    /// @return the typed value, or an `ApiError` (`api` when the server
    ///         refused, `decode` when a 2xx body has the wrong shape).
    Result<T> parse(const HttpResponse& response) const {
        if (parser == nullptr)
            return ApiError::make(ErrorKind::invalid_argument, "request: no parser bound");
        return parser(response, context);
    }
};

} // namespace cfimages

#endif // CFIMAGES_REQUEST_HPP
