// ccms-devkafka: a Kafka-protocol broker on loopback for the dev stack and
// tests (librdkafka mock cluster), with a line-based control port.
//
//   ccms-devkafka [serve] [--brokers 3] [--partitions 6] [--topics a,b]
//                 [--bootstrap-file PATH] [--control-port 0]
//                 [--control-port-file PATH]
//   ccms-devkafka ctl (--control-port N | --control-port-file PATH) words...

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tools/devkafka/devkafka.h"

namespace ccms::devkafka {
namespace {

const std::vector<std::string> kDefaultTopics = {"ccms.records.v1", "ccms.assessment.v1",
                                                 "ccms.education.v1", "ccms.employment.v1",
                                                 "ccms.reporting.v1"};

struct ServeFlags {
  int brokers = 3;
  int partitions = 6;
  std::vector<std::string> topics = kDefaultTopics;
  std::string bootstrap_file;
  int control_port = 0;
  std::string control_port_file;
};

struct CtlFlags {
  int control_port = 0;
  std::string control_port_file;
  int timeout_ms = 10000;
  std::vector<std::string> words;
};

// Kafka's legal topic names: [a-zA-Z0-9._-]{1,249}.
std::string ValidateTopic(const std::string& topic) {
  if (topic.empty() || topic.size() > 249) {
    return "topic name must be 1..249 characters";
  }
  for (char c : topic) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return "invalid topic name '" + topic + "' (allowed: a-z A-Z 0-9 . _ -)";
    }
  }
  return "";
}

int Serve(const ServeFlags& flags) {
  // Block the stop signals in every thread (librdkafka's included) and wait
  // for them synchronously below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::string error;
  std::unique_ptr<MockCluster> cluster = MockCluster::Create(flags.brokers, &error);
  if (cluster == nullptr) {
    std::cerr << "devkafka: error: " << error << "\n";
    return 1;
  }
  for (const std::string& topic : flags.topics) {
    if (!cluster->CreateTopic(topic, flags.partitions, &error)) {
      std::cerr << "devkafka: error: " << error << "\n";
      return 1;
    }
  }
  cluster->set_bootstrap_file(flags.bootstrap_file);
  ControlServer control(cluster.get());
  if (!control.Start(flags.control_port, &error)) {
    std::cerr << "devkafka: error: control server: " << error << "\n";
    return 1;
  }
  const std::string bootstrap = cluster->Bootstraps();
  if (!flags.bootstrap_file.empty() &&
      !WriteFileAtomically(flags.bootstrap_file, bootstrap + "\n", &error)) {
    std::cerr << "devkafka: error: " << error << "\n";
    return 1;
  }
  if (!flags.control_port_file.empty() &&
      !WriteFileAtomically(flags.control_port_file, std::to_string(control.port()) + "\n",
                           &error)) {
    std::cerr << "devkafka: error: " << error << "\n";
    return 1;
  }
  std::cout << "devkafka ready bootstrap=" << bootstrap << " control=127.0.0.1:" << control.port()
            << std::endl;

  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) != 0) {
  }
  std::cerr << "devkafka: " << strsignal(signal_number) << ", shutting down\n";
  control.Stop();
  cluster.reset();
  // Stale files would point the next reader at dead ports.
  for (const std::string& path : {flags.bootstrap_file, flags.control_port_file}) {
    if (!path.empty()) std::remove(path.c_str());
  }
  return 0;
}

int Ctl(const CtlFlags& flags) {
  int port = flags.control_port;
  if (!flags.control_port_file.empty()) {
    std::ifstream in(flags.control_port_file);
    if (!(in >> port) || port < 1 || port > 65535) {
      std::cerr << "devkafka: error: cannot read a port from " << flags.control_port_file << "\n";
      return 1;
    }
  }
  std::string line;
  for (const std::string& word : flags.words) {
    if (!line.empty()) line += ' ';
    line += word;
  }
  std::string reply;
  std::string error;
  if (!SendControlCommand(port, line, flags.timeout_ms, &reply, &error)) {
    std::cerr << "devkafka: error: " << error << "\n";
    return 1;
  }
  std::cout << reply << std::endl;
  return reply == "ok" || reply.rfind("ok ", 0) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ccms::devkafka

int main(int argc, char** argv) {
  using ccms::devkafka::CtlFlags;
  using ccms::devkafka::ServeFlags;

  // `serve` is the default subcommand: insert it unless one was named (or
  // top-level help was asked for).
  std::vector<char*> args(argv, argv + argc);
  static char kServe[] = "serve";
  if (argc == 1 || (argv[1][0] == '-' && std::strcmp(argv[1], "-h") != 0 &&
                    std::strcmp(argv[1], "--help") != 0)) {
    args.insert(args.begin() + 1, kServe);
  }

  CLI::App app{"ccms development Kafka broker (librdkafka mock cluster)"};
  app.require_subcommand(1, 1);

  ServeFlags serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the mock cluster (default)");
  serve_cmd->add_option("--brokers", serve.brokers, "Number of brokers")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  serve_cmd->add_option("--partitions", serve.partitions, "Partitions per topic")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve_cmd->add_option("--topics", serve.topics, "Comma-separated topics to create at start")
      ->delimiter(',')
      ->capture_default_str();
  serve_cmd->add_option("--bootstrap-file", serve.bootstrap_file,
                        "Write the bootstrap.servers list here (atomically)");
  serve_cmd
      ->add_option("--control-port", serve.control_port,
                   "Control port on 127.0.0.1 (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve_cmd->add_option("--control-port-file", serve.control_port_file,
                        "Write the chosen control port here (atomically)");

  CtlFlags ctl;
  CLI::App* ctl_cmd = app.add_subcommand(
      "ctl",
      "Send one control command: down <id|all>, up <id|all>, "
      "rtt <id|all> <ms>, create <topic> [partitions], reset, status, bootstrap");
  CLI::Option* port_opt = ctl_cmd->add_option("--control-port", ctl.control_port, "Control port")
                              ->check(CLI::Range(1, 65535));
  CLI::Option* port_file_opt = ctl_cmd->add_option("--control-port-file", ctl.control_port_file,
                                                   "File holding the control port");
  port_opt->excludes(port_file_opt);
  ctl_cmd->add_option("--timeout-ms", ctl.timeout_ms, "Reply timeout")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  ctl_cmd->add_option("command", ctl.words, "Command words")->required();

  try {
    app.parse(static_cast<int>(args.size()), args.data());
    if (ctl_cmd->parsed() && port_opt->count() == 0 && port_file_opt->count() == 0) {
      throw CLI::RequiredError("--control-port or --control-port-file");
    }
    for (const std::string& topic : serve.topics) {
      std::string problem = ccms::devkafka::ValidateTopic(topic);
      if (!problem.empty()) throw CLI::ValidationError("--topics", problem);
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (ctl_cmd->parsed()) return ccms::devkafka::Ctl(ctl);
  return ccms::devkafka::Serve(serve);
}
