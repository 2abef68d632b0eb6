#include "bench/options.h"

#include <gtest/gtest.h>

namespace bench {
namespace {

ParseOutcome parse(std::vector<std::string> args) { return parse_options(args); }

void expect_error(std::vector<std::string> args, const std::string& fragment) {
  ParseOutcome o = parse(args);
  EXPECT_FALSE(o.options);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.message.find(fragment), std::string::npos) << o.message;
}

TEST(Options, Defaults) {
  ParseOutcome o = parse({"read-one"});
  ASSERT_TRUE(o.options) << o.message;
  const Options& opt = *o.options;
  EXPECT_EQ(opt.workload, "read-one");
  ASSERT_EQ(opt.urls.size(), 1u);
  EXPECT_EQ(opt.urls[0].host, "127.0.0.1");
  EXPECT_EQ(opt.urls[0].port, 8888);
  EXPECT_EQ(opt.urls[0].base, "/v1");
  EXPECT_EQ(opt.connections, 16);
  EXPECT_EQ(opt.threads, 2);
  EXPECT_FALSE(opt.open_loop());
  EXPECT_DOUBLE_EQ(opt.duration, 10);
  EXPECT_DOUBLE_EQ(opt.warmup, 2);
  EXPECT_TRUE(opt.compare.empty());
}

TEST(Options, EveryWorkloadAndScaleAreAccepted) {
  for (const auto& name : workload_names()) EXPECT_TRUE(parse({name}).options) << name;
  EXPECT_TRUE(parse({"scale"}).options);
}

TEST(Options, FullCommandLine) {
  ParseOutcome o = parse({"update", "--url", "http://localhost:9000/v1/", "-c", "64", "--rate", "5000",
                          "--threads", "4", "--duration", "1500ms", "--warmup", "0", "--prefill", "200",
                          "--compare", "http://127.0.0.1:8899", "--json", "--round", "0.5s"});
  ASSERT_TRUE(o.options) << o.message;
  const Options& opt = *o.options;
  ASSERT_EQ(opt.urls.size(), 1u);
  EXPECT_EQ(opt.urls[0].host, "localhost");
  EXPECT_EQ(opt.urls[0].port, 9000);
  EXPECT_EQ(opt.urls[0].base, "/v1");
  EXPECT_EQ(opt.connections, 64);
  EXPECT_TRUE(opt.open_loop());
  EXPECT_DOUBLE_EQ(opt.rate, 5000);
  EXPECT_EQ(opt.threads, 4);
  EXPECT_DOUBLE_EQ(opt.duration, 1.5);
  EXPECT_DOUBLE_EQ(opt.warmup, 0);
  EXPECT_EQ(opt.prefill, 200);
  ASSERT_EQ(opt.compare.size(), 1u);
  EXPECT_EQ(opt.compare[0].port, 8899);
  EXPECT_EQ(opt.compare[0].base, "");
  EXPECT_TRUE(opt.json);
  EXPECT_DOUBLE_EQ(opt.round, 0.5);
}

TEST(Options, UrlListsNameTheNodesOfACluster) {
  ParseOutcome o = parse({"create", "--url", "http://127.0.0.1:8888/v1,http://127.0.0.1:8889/v1/,http://h:8890/v1",
                          "--compare", "http://127.0.0.1:9000/v1,http://127.0.0.1:9001/v1"});
  ASSERT_TRUE(o.options) << o.message;
  const Options& opt = *o.options;
  ASSERT_EQ(opt.urls.size(), 3u);
  EXPECT_EQ(opt.urls[1].port, 8889);
  EXPECT_EQ(opt.urls[1].base, "/v1");
  EXPECT_EQ(opt.urls[2].host, "h");
  ASSERT_EQ(opt.compare.size(), 2u);
  EXPECT_EQ(opt.compare[1].port, 9001);
  EXPECT_EQ(describe(opt.urls), "http://127.0.0.1:8888/v1 + 2 more");
  EXPECT_EQ(describe({opt.urls[2]}), "http://h:8890/v1");
}

TEST(Options, ThreadsDefaultToNoMoreThanConnections) {
  ParseOutcome o = parse({"heartbeat", "-c", "1"});
  ASSERT_TRUE(o.options) << o.message;
  EXPECT_EQ(o.options->threads, 1);
}

TEST(Options, MixedTakesWeights) {
  ParseOutcome o = parse({"mixed", "--mix", "read-one=70,update=20.5,sync"});
  ASSERT_TRUE(o.options) << o.message;
  ASSERT_EQ(o.options->mix.size(), 3u);
  EXPECT_EQ(o.options->mix[1].first, "update");
  EXPECT_DOUBLE_EQ(o.options->mix[1].second, 20.5);
  EXPECT_DOUBLE_EQ(o.options->mix[2].second, 1);
  EXPECT_FALSE(parse({"mixed"}).options->mix.empty());  // a default mix
}

TEST(Options, ScaleSizes) {
  ParseOutcome o = parse({"scale", "--sizes", "100k,1k,2M"});
  ASSERT_TRUE(o.options) << o.message;
  EXPECT_EQ(o.options->sizes, (std::vector<int64_t>{1000, 100000, 2000000}));
}

TEST(Options, Errors) {
  expect_error({}, "workload");
  expect_error({"read-everything"}, "unknown workload 'read-everything'");
  expect_error({"read-one", "--url", "127.0.0.1:8888"}, "must start with http://");
  expect_error({"read-one", "--url", "https://x/v1"}, "https is not supported");
  expect_error({"read-one", "--url", "http://:80/v1"}, "no host");
  expect_error({"read-one", "--url", "http://h:99999/v1"}, "bad port");
  expect_error({"read-one", "--url", "http://h:x/v1"}, "bad port");
  expect_error({"read-one", "--url", "http://h/v1?x=1"}, "query");
  expect_error({"read-one", "--compare", "nonsense"}, "--compare");
  expect_error({"read-one", "--url", "http://a:1/v1,b:2/v1"}, "--url: malformed URL 'b:2/v1'");
  expect_error({"read-one", "--url", "http://a:1/v1,,http://b:2/v1"}, "--url: malformed URL ''");
  expect_error({"read-one", "--url", "http://a:1/v1,"}, "--url: 'http://a:1/v1,' is not a comma-separated list");
  expect_error({"read-one", "--url", "http://a:1/v1,http://b:2/v2"}, "--url: 'http://b:2/v2' has another path");
  expect_error({"read-one", "--compare", "http://a:1/v1,http://b:x/v1"}, "--compare: malformed URL 'http://b:x/v1'");
  expect_error({"read-one", "-c", "0"}, "--connections");
  expect_error({"read-one", "-c", "2", "-t", "3"}, "cannot exceed --connections");
  expect_error({"read-one", "--rate", "-3"}, "--rate");
  expect_error({"read-one", "--duration", "soon"}, "--duration");
  expect_error({"read-one", "--duration", "0"}, "--duration");
  expect_error({"read-one", "--warmup", "-1s"}, "--warmup");
  expect_error({"read-one", "--mix", "read-one=1"}, "only applies to the mixed");
  expect_error({"mixed", "--mix", "read-one=1,bogus=2"}, "unknown workload 'bogus'");
  expect_error({"mixed", "--mix", "read-one=0"}, "positive weight");
  expect_error({"mixed", "--mix", "read-one=x"}, "non-negative number");
  expect_error({"mixed", "--mix", "mixed=1"}, "unknown workload 'mixed'");
  expect_error({"scale", "--sizes", "1k,zero"}, "--sizes");
  expect_error({"read-one", "--sizes", "1k"}, "only applies to scale");
  expect_error({"scale", "--compare", "http://h:1/v1"}, "scale does not take --compare");
  expect_error({"read-one", "--connections", "many"}, "connections");
  expect_error({"read-one", "--no-such-option"}, "no-such-option");
  expect_error({"read-one", "--prefill", "-5"}, "--prefill");
}

TEST(Options, HelpExitsWithZero) {
  ParseOutcome o = parse({"--help"});
  EXPECT_FALSE(o.options);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.message.find("--connections"), std::string::npos);
  EXPECT_NE(o.message.find("read-one"), std::string::npos);
}

TEST(Options, Seconds) {
  EXPECT_EQ(parse_seconds("10"), 10.0);
  EXPECT_EQ(parse_seconds("10s"), 10.0);
  EXPECT_EQ(parse_seconds("250ms"), 0.25);
  EXPECT_EQ(parse_seconds("2m"), 120.0);
  EXPECT_FALSE(parse_seconds(""));
  EXPECT_FALSE(parse_seconds("s"));
  EXPECT_FALSE(parse_seconds("1h"));
  EXPECT_FALSE(parse_seconds("-2"));
}

}  // namespace
}  // namespace bench
