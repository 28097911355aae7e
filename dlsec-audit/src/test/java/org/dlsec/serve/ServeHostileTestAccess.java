package org.dlsec.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Raw-socket requests for the serve tests: what the server does on the wire is what is checked. */
final class ServeHostileTestAccess {
    private ServeHostileTestAccess() {}

    /** Sends {@code request} as ISO-8859-1 bytes and returns the status line, or "closed". */
    static String sendTo(URI u, String request) {
        try (Socket so = new Socket(u.getHost(), u.getPort())) {
            so.setSoTimeout(10_000);
            OutputStream out = so.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(so.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            return line == null ? "closed" : line;
        } catch (IOException e) {
            return "closed";
        }
    }
}
