package org.dlsec.cli;

import java.io.PrintWriter;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Versions;
import org.dlsec.model.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlsec}: the command-line entry point. Exit codes: 0 success, 2 bad usage or bad input
 * (one line on stderr), 1 an internal error (a bug: please report it with {@code --verbose}).
 */
@Command(name = "dlsec", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Attack, defend and audit deep-learning models.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, AttackCommand.class, CertifyCommand.class,
            MaskingCommand.class, FaultCommand.class, PoisonCommand.class, ScanCommand.class, ServeCommand.class,
            ExtractCommand.class, PrivacyCommand.class, DpBudgetCommand.class, AuditCommand.class, ExportCommand.class,
            org.dlsec.bench.BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        Engines.configureOffline();
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = parsed.matchedOption("--verbose") != null
                    || (parsed.subcommand() != null && hasVerbose(parsed));
            PrintWriter err = cmd.getErr();
            DlsecException user = userError(ex);
            if (user != null) {
                err.println("dlsec: error: " + oneLine(user.getMessage()));
                if (verbose) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return EXIT_USAGE;
            }
            err.println("dlsec: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_INTERNAL;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("dlsec: error: " + oneLine(ex.getMessage()) + " (see '"
                    + ex.getCommandLine().getCommandName() + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    private static boolean hasVerbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.matchedOption("--verbose") != null) {
                return true;
            }
        }
        return false;
    }

    /** The user-facing error behind {@code ex}, if it is one (possibly wrapped). */
    static DlsecException userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof DlsecException d) {
                return d;
            }
            if (t instanceof OutOfMemoryError) {
                return new DlsecException("out of memory: use a smaller --limit or batch size, or give the JVM more"
                        + " memory (JAVA_OPTS=-Xmx...)");
            }
        }
        return null;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Versions of dlsec and its engine, for {@code --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dlsec " + Versions.dlsec(), "DJL " + Versions.djl() + ", PyTorch " + Versions.pytorch()
                    + " (CPU, offline)", "Java " + System.getProperty("java.version")};
        }
    }
}
