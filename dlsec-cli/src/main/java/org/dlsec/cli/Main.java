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
            MaskingCommand.class, FaultCommand.class, SideChannelCommand.class, PoisonCommand.class, ScanCommand.class, ServeCommand.class,
            ExtractCommand.class, PrivacyCommand.class, DpBudgetCommand.class, AuditCommand.class, CompareCommand.class, ExportCommand.class,
            org.dlsec.bench.BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;
    /** {@code dlsec audit}: the audit ran, and at least one of its gates failed. */
    public static final int EXIT_GATE = 3;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        Engines.configureOffline();
        return execute(commandLine(), args);
    }

    /**
     * Runs {@code cli}; an {@link OutOfMemoryError}, which picocli lets through, becomes one line and
     * exit 2 instead of a raw stack trace.
     */
    static int execute(CommandLine cli, String... args) {
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            PrintWriter err = cli.getErr();
            err.println("dlsec: error: " + OUT_OF_MEMORY);
            err.flush();
            return EXIT_USAGE;
        }
    }

    static final String OUT_OF_MEMORY = "out of memory: use a smaller --limit or batch size, or give the JVM more"
            + " memory (JAVA_OPTS=-Xmx...)";

    /** The longest error line printed; longer messages (which echo a huge input) are cut. */
    static final int MAX_ERROR_LINE = 1000;

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // every floating-point option ends up in a float tensor: refuse what a float cannot hold
        cli.registerConverter(Double.class, Main::floatRangeDouble);
        cli.registerConverter(double.class, Main::floatRangeDouble);
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
            err.println("dlsec: internal error: " + oneLine(String.valueOf(ex)) + (verbose ? "" : " (run with --verbose for details)"));
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

    /** A number option: finite and inside the range of a 32-bit float. */
    static Double floatRangeDouble(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + org.dlsec.core.Text.echo(text) + "' is not a number");
        }
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
            throw new CommandLine.TypeConversionException("'" + org.dlsec.core.Text.echo(text) + "' is not a finite number"
                    + " within the range of a 32-bit float (about ±3.4e38)");
        }
        return v;
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
                return new DlsecException(OUT_OF_MEMORY);
            }
        }
        return null;
    }

    /** {@code s} on one line, control characters escaped, cut to {@link #MAX_ERROR_LINE} characters. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String head = s.length() > 4 * MAX_ERROR_LINE ? s.substring(0, 4 * MAX_ERROR_LINE) : s;
        String one = org.dlsec.core.Text.escape(head.replaceAll("\\s*\\R\\s*", " ").strip());
        return one.length() > MAX_ERROR_LINE || head.length() < s.length()
                ? one.substring(0, Math.min(one.length(), MAX_ERROR_LINE)) + "... (message cut; " + s.length() + " characters)"
                : one;
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
