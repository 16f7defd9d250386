package kr.certbridge.app

import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import androidx.test.uiautomator.By
import androidx.test.uiautomator.UiDevice
import androidx.test.uiautomator.Until
import java.util.Locale
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.languageForTag
import kr.certbridge.ffi.render
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith

/** The emulator smoke test: the app starts, loads the Rust library and shows its home screen in the device's language. */
@RunWith(AndroidJUnit4::class)
class LaunchTest {
    @Test
    fun launchesToTheHomeScreen() {
        val instrumentation = InstrumentationRegistry.getInstrumentation()
        val device = UiDevice.getInstance(instrumentation)
        val context = instrumentation.targetContext
        val intent = context.packageManager.getLaunchIntentForPackage(context.packageName)!!
        context.startActivity(intent.addFlags(android.content.Intent.FLAG_ACTIVITY_NEW_TASK))
        val title = render(Message("phone-home-title", emptyList()), languageForTag(Locale.getDefault().toLanguageTag()))
        assertTrue("no \"$title\" on screen", device.wait(Until.hasObject(By.text(title)), 15_000))
    }
}
