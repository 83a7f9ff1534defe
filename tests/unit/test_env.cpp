// config_from_env: the variables the official SDKs read, looked up through a
// function so that no test touches the process environment.
#include <cfimages/env.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <variant>

#include <cfimages/images.hpp>

namespace {

using Vars = std::map<std::string, std::string>;

cfimages::Result<cfimages::Config> from(const Vars& vars) {
    return cfimages::config_from_env([&vars](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
}

const char* const account = "023e105f4ecef8ad9ca31a8372d0c353";
const char* const token = "env-SECRET-token-3f9a";
const char* const key = "env-SECRET-key-77b0";
const char* const email = "env-secret-user@example.com";

// The error's message, which must name `var` first and show no secret.
std::string error_of(const Vars& vars) {
    auto r = from(vars);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == cfimages::ErrorKind::invalid_argument);
    const std::string& m = r.error().message;
    for (const char* secret : {token, key, email}) CHECK(m.find(secret) == std::string::npos);
    return m;
}

} // namespace

TEST_CASE("config_from_env: an API token and an account") {
    auto cfg = from({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", account}});
    REQUIRE(cfg);
    CHECK(cfg->account_id == account);
    REQUIRE(std::holds_alternative<cfimages::ApiToken>(cfg->credentials));
    CHECK(std::get<cfimages::ApiToken>(cfg->credentials).token == token);
    CHECK(cfg->base_url == cfimages::default_base_url);
    // What it returns is what the builders take.
    auto req = cfimages::v1::get(*cfg, "image-id");
    REQUIRE(req);
    CHECK(req->http.header("Authorization") == std::optional<std::string_view>(std::string("Bearer ") + token));
}

TEST_CASE("config_from_env: a global API key and its e-mail") {
    auto cfg = from({{"CLOUDFLARE_EMAIL", email}, {"CLOUDFLARE_API_KEY", key}, {"CLOUDFLARE_ACCOUNT_ID", account}});
    REQUIRE(cfg);
    REQUIRE(std::holds_alternative<cfimages::ApiKey>(cfg->credentials));
    CHECK(std::get<cfimages::ApiKey>(cfg->credentials).email == email);
    CHECK(std::get<cfimages::ApiKey>(cfg->credentials).key == key);
}

TEST_CASE("config_from_env: the token wins over a key pair, as in the SDKs' own precedence") {
    auto cfg = from({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_EMAIL", email}, {"CLOUDFLARE_API_KEY", key},
                     {"CLOUDFLARE_ACCOUNT_ID", account}});
    REQUIRE(cfg);
    CHECK(std::holds_alternative<cfimages::ApiToken>(cfg->credentials));
}

TEST_CASE("config_from_env: CLOUDFLARE_BASE_URL, trailing slashes dropped") {
    auto cfg = from({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", account},
                     {"CLOUDFLARE_BASE_URL", "http://127.0.0.1:4010//"}});
    REQUIRE(cfg);
    CHECK(cfg->base_url == "http://127.0.0.1:4010");
    auto req = cfimages::v1::get(*cfg, "x");
    REQUIRE(req);
    CHECK(req->http.url == std::string("http://127.0.0.1:4010/accounts/") + account + "/images/v1/x");
}

TEST_CASE("config_from_env: empty values count as unset") {
    auto cfg = from({{"CLOUDFLARE_API_TOKEN", ""}, {"CLOUDFLARE_EMAIL", email}, {"CLOUDFLARE_API_KEY", key},
                     {"CLOUDFLARE_ACCOUNT_ID", account}, {"CLOUDFLARE_BASE_URL", ""}});
    REQUIRE(cfg);
    CHECK(std::holds_alternative<cfimages::ApiKey>(cfg->credentials));
    CHECK(cfg->base_url == cfimages::default_base_url);
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", ""}}) ==
          "CLOUDFLARE_ACCOUNT_ID: not set");
}

TEST_CASE("config_from_env: each missing variable is named") {
    CHECK(error_of({}) == "CLOUDFLARE_ACCOUNT_ID: not set");
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}}) == "CLOUDFLARE_ACCOUNT_ID: not set");
    CHECK(error_of({{"CLOUDFLARE_ACCOUNT_ID", account}}) ==
          "CLOUDFLARE_API_TOKEN: not set (nor CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY)");
    CHECK(error_of({{"CLOUDFLARE_ACCOUNT_ID", account}, {"CLOUDFLARE_API_KEY", key}}) ==
          "CLOUDFLARE_EMAIL: required with CLOUDFLARE_API_KEY");
    CHECK(error_of({{"CLOUDFLARE_ACCOUNT_ID", account}, {"CLOUDFLARE_EMAIL", email}}) ==
          "CLOUDFLARE_API_KEY: required with CLOUDFLARE_EMAIL");
}

TEST_CASE("config_from_env: a value the builders would refuse is refused here, naming the variable") {
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", std::string(token) + "\r\n"}, {"CLOUDFLARE_ACCOUNT_ID", account}}) ==
          "CLOUDFLARE_API_TOKEN: must not contain control characters");
    CHECK(error_of({{"CLOUDFLARE_EMAIL", email}, {"CLOUDFLARE_API_KEY", std::string(key) + "\n"},
                    {"CLOUDFLARE_ACCOUNT_ID", account}}) == "CLOUDFLARE_API_KEY: must not contain control characters");
    CHECK(error_of({{"CLOUDFLARE_EMAIL", std::string(email) + "\n"}, {"CLOUDFLARE_API_KEY", key},
                    {"CLOUDFLARE_ACCOUNT_ID", account}}) == "CLOUDFLARE_EMAIL: must not contain control characters");
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", std::string(33, 'a')}}) ==
          "CLOUDFLARE_ACCOUNT_ID: must be at most 32 characters");
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", account},
                    {"CLOUDFLARE_BASE_URL", "api.cloudflare.com"}}) ==
          "CLOUDFLARE_BASE_URL: must start with https:// or http://");
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", account},
                    {"CLOUDFLARE_BASE_URL", "https://"}}) ==
          "CLOUDFLARE_BASE_URL: must name a host, as in https://api.cloudflare.com/client/v4");
    CHECK(error_of({{"CLOUDFLARE_API_TOKEN", token}, {"CLOUDFLARE_ACCOUNT_ID", account},
                    {"CLOUDFLARE_BASE_URL", "https:///"}}) ==
          "CLOUDFLARE_BASE_URL: must name a host, as in https://api.cloudflare.com/client/v4");
}

TEST_CASE("config_from_env: looks up exactly the five variables, each once") {
    std::map<std::string, int> asked;
    auto cfg = cfimages::config_from_env([&asked](const char* name) -> const char* {
        ++asked[name];
        return nullptr;
    });
    CHECK_FALSE(cfg);
    CHECK(asked == std::map<std::string, int>{{"CLOUDFLARE_ACCOUNT_ID", 1}, {"CLOUDFLARE_API_KEY", 1},
                                              {"CLOUDFLARE_API_TOKEN", 1}, {"CLOUDFLARE_BASE_URL", 1},
                                              {"CLOUDFLARE_EMAIL", 1}});
}
